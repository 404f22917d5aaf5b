// zh-CN by default, English available. Each area of the app keeps its own messages file
// under ./messages; they are merged here.
import { createI18n } from 'vue-i18n'
import { Locale as VantLocale } from 'vant'
import vantEn from 'vant/es/locale/lang/en-US'
import vantZh from 'vant/es/locale/lang/zh-CN'
import common from './messages/common'
import auth from './messages/auth'
import home from './messages/home'
import persona from './messages/persona'
import post from './messages/post'
import membership from './messages/membership'
import companion from './messages/companion'
import me from './messages/me'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: Locale[] = ['zh-CN', 'en']
const KEY = 'yujie.locale'

const areas = { common, auth, home, persona, post, membership, companion, me }

function messagesFor(locale: Locale) {
  return Object.fromEntries(Object.entries(areas).map(([name, area]) => [name, area[locale]]))
}

function savedLocale(): Locale {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY)
  return saved === 'en' ? 'en' : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': messagesFor('zh-CN'), en: messagesFor('en') },
})

/** Switches the app, Vant's own texts and the page language; remembered on this device. */
export function setLocale(locale: Locale, remember = true) {
  i18n.global.locale.value = locale
  VantLocale.use(locale, locale === 'en' ? vantEn : vantZh)
  document.documentElement.lang = locale
  if (remember) localStorage.setItem(KEY, locale)
}
