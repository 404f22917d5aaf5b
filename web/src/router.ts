import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSession } from './stores/session'

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('./pages/HomePage.vue'), meta: { tab: true } },
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue') },
  { path: '/welcome', name: 'welcome', component: () => import('./pages/WelcomePage.vue'), meta: { auth: true } },
  { path: '/personas', name: 'personas', component: () => import('./pages/PersonasPage.vue'), meta: { tab: true } },
  { path: '/personas/new', name: 'persona-new', component: () => import('./pages/PersonaCreatePage.vue'), meta: { auth: true } },
  { path: '/personas/:id', name: 'persona', component: () => import('./pages/PersonaPage.vue'), props: true },
  { path: '/posts/new', name: 'post-new', component: () => import('./pages/PostComposePage.vue'), meta: { auth: true } },
  { path: '/posts/:id', name: 'post', component: () => import('./pages/PostPage.vue'), props: true },
  { path: '/posts/:id/edit', name: 'post-edit', component: () => import('./pages/PostComposePage.vue'), props: true, meta: { auth: true } },
  { path: '/membership', name: 'membership', component: () => import('./pages/MembershipPage.vue'), meta: { tab: true, auth: true } },
  { path: '/chat/:personaId', name: 'chat', component: () => import('./pages/ChatPage.vue'), props: true, meta: { auth: true } },
  { path: '/call/:personaId', name: 'call', component: () => import('./pages/CallPage.vue'), props: true, meta: { auth: true } },
  { path: '/me', name: 'me', component: () => import('./pages/MePage.vue'), meta: { tab: true, auth: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue') },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

router.beforeEach((to) => {
  const session = useSession()
  if (to.meta.auth && !session.signedIn) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  return true
})
