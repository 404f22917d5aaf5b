import { createApp } from 'vue'
import {
  ElAlert, ElAside, ElAvatar, ElButton, ElCard, ElCheckbox, ElCollapse, ElCollapseItem, ElConfigProvider, ElContainer,
  ElDescriptions, ElDescriptionsItem, ElDialog, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElImage, ElInput,
  ElLoading, ElMain, ElMenu, ElMenuItem, ElOption, ElPageHeader, ElRadio, ElRadioButton, ElRadioGroup, ElResult,
  ElSelect, ElTabPane, ElTable, ElTableColumn, ElTabs, ElTag, ElTooltip, ElUpload,
} from 'element-plus'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { i18n, setLocale } from './i18n'
import { router } from './router'

// Only the Element Plus components the console uses, so the bundle carries no others.
const elements = [
  ElAlert, ElAside, ElAvatar, ElButton, ElCard, ElCheckbox, ElCollapse, ElCollapseItem, ElConfigProvider, ElContainer,
  ElDescriptions, ElDescriptionsItem, ElDialog, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElImage, ElInput,
  ElLoading, ElMain, ElMenu, ElMenuItem, ElOption, ElPageHeader, ElRadio, ElRadioButton, ElRadioGroup, ElResult,
  ElSelect, ElTabPane, ElTable, ElTableColumn, ElTabs, ElTag, ElTooltip, ElUpload,
]

setLocale(i18n.global.locale.value, false)

const app = createApp(App).use(i18n).use(router)
for (const element of elements) app.use(element)
app.mount('#app')
