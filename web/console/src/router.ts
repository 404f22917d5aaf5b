import { createRouter, createWebHistory } from 'vue-router'

export const router = createRouter({
  // '/staff/', the base the console is built and served with.
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/', name: 'queue', component: () => import('./pages/QueuePage.vue') },
    { path: '/users', name: 'users', component: () => import('./pages/UsersPage.vue') },
    { path: '/users/:id', name: 'user', component: () => import('./pages/UserDetailPage.vue'), props: true },
    { path: '/personas', name: 'personas', component: () => import('./pages/PersonasPage.vue') },
    { path: '/safety', name: 'safety', component: () => import('./pages/SafetyPage.vue') },
    { path: '/audit', name: 'audit', component: () => import('./pages/AuditPage.vue') },
    { path: '/accounts', name: 'accounts', component: () => import('./pages/AccountsPage.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
})
