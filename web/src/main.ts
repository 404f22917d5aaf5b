import { createApp } from 'vue'
import { createPinia } from 'pinia'
import Vant from 'vant'
import 'vant/lib/index.css'
import './styles.css'
import App from './App.vue'
import { i18n, setLocale } from './i18n'
import { router } from './router'

setLocale(i18n.global.locale.value, false)

createApp(App).use(createPinia()).use(i18n).use(router).use(Vant).mount('#app')
