// The console's texts in English, with the same keys as zh-CN.ts.
import type zhCN from './zh-CN'

const en: typeof zhCN = {
  app: { title: 'Yujie Station · Staff console' },
  roles: { moderator: 'Moderator', admin: 'Admin' },
  menu: { queue: 'Report queue', users: 'Users', personas: 'Personas', safety: 'Content safety', audit: 'Audit log', accounts: 'Staff accounts' },
  common: {
    refresh: 'Refresh', loadMore: 'Load more', cancel: 'Cancel', save: 'Save', delete: 'Delete', search: 'Search', retry: 'Retry',
    empty: 'Nothing here', rawJson: 'Raw JSON', signOut: 'Sign out', language: 'Language', time: 'Time',
    reason: 'Reason', user: 'User', id: 'ID', networkError: 'Network error. Check the connection and try again.',
  },
  signIn: {
    title: 'Sign in to the staff console', subtitle: 'For Yujie Station staff only', button: 'Sign in with company SSO',
    failed: 'Cannot reach the console: {error}',
  },
  kinds: {
    persona: 'Persona', photo: 'Photo', entry: 'Entry', post: 'Post', comment: 'Comment', user: 'User', word: 'Word',
    lexicon: 'Lexicon', staff: 'Staff account',
  },
  reasons: { spam: 'Spam', abuse: 'Abuse', sexual: 'Sexual content', privacy: 'Privacy', false_info: 'False information', other: 'Other' },
  actions: {
    dismiss: 'Dismiss reports', remove: 'Remove content', ban: 'Ban', unban: 'Unban', style_note: 'Style note',
    lexicon_add: 'Add word', lexicon_remove: 'Remove word', lexicon_import: 'Import words', end_sessions: 'Sign out everywhere',
  },
  fields: { title: 'Title', name: 'Name', caption: 'Caption', text: 'Text', body: 'Body', aliases: 'Aliases' },
  content: { images: 'Images' },
  queue: {
    kind: 'Kind', reason: 'Reason', empty: 'The queue is empty: no open reports', openCount: '{n} open',
    firstReported: 'First reported {time}', asReported: 'As reported', now: 'Now', gone: 'Deleted / removed',
    author: 'Author', authorGone: "The author's account no longer exists", reports: 'Reports', reporter: 'Reporter', note: 'Note',
    accountAge: 'Registered {days} day ago | Registered {days} days ago', removedItems: '{n} item removed | {n} items removed',
    bans: '{n} past ban | {n} past bans', banAuthor: 'Ban author',
  },
  ban: { none: 'Active', until: 'Banned until {time}', permanent: 'Banned permanently' },
  dialog: {
    target: 'Target', reason: 'Reason', reasonPlaceholder: 'Why? This goes into the audit log', reasonRequired: 'Please give a reason',
    reasonTooLong: 'At most 500 characters', days: 'Duration', days1: '1 day', days7: '7 days', days30: '30 days', permanent: 'Permanent',
    removeContent: 'Also remove all their content (restorable as a whole)', restoreContent: 'Also restore the content removed with the ban',
  },
  done: {
    dismiss: 'Dismissed; {n} report closed | Dismissed; {n} reports closed',
    remove: 'Removed; {n} report closed | Removed; {n} reports closed', ban: 'Banned', banRemoved: 'Banned; {n} items removed',
    unban: 'Unbanned', unbanRestored: 'Unbanned; {n} items restored',
  },
  users: {
    searchPlaceholder: 'User ID or nickname', noMatch: 'No matching users', nickname: 'Nickname', member: 'Member',
    memberUntil: 'Member until {time}', notMember: 'Not a member', status: 'Status', joined: 'Registered', profile: 'Profile',
    orders: 'Orders', contentCounts: 'Content', staffActions: 'Staff actions', back: 'Back', noOrders: 'No orders',
    orderNo: 'Order no.', plan: 'Plan', channel: 'Channel', amount: 'Amount', period: 'Period', orderState: 'State',
    createdAt: 'Created', paidAt: 'Paid', days: '{n} days',
  },
  channels: { wechatpay: 'WeChat Pay', alipay: 'Alipay' },
  orderStates: { pending: 'Pending', paid: 'Paid', expired: 'Expired', closed: 'Closed', refunded: 'Refunded' },
  itemStates: { visible: 'visible', removed: 'removed', deleted: 'deleted' },
  personas: {
    sync: 'Knowledge sync', persona: 'Persona ID', documents: 'Documents', pending: 'Pending', failed: 'Failed',
    oldestPending: 'Oldest pending', lastSynced: 'Last synced', stale: 'Pending for more than 60 s',
    choose: 'Choose a persona to see her downvoted replies and style note', feedback: 'Downvoted replies', reply: 'Reply',
    noFeedback: 'No downvotes', styleNote: 'Style note', styleHint: "Written into her character card; shapes the AI's voice. Empty clears it.",
    readOnly: 'Only admins can change it', saved: 'Style note saved',
  },
  safety: {
    words: 'Lexicon', hits: 'Hits', list: 'List', deny: 'Deny', allow: 'Allow', word: 'Word', category: 'Category',
    action: 'Action', addedBy: 'Added by', addedAt: 'Added', add: 'Add', import: 'Import',
    removeConfirm: 'Remove “{word}”?', removed: 'Removed “{word}”', added: 'Added “{word}”',
    importHint: 'One word per line, or word,category,action; blank lines and lines starting with # are ignored',
    importFile: 'Choose a .txt file', importDefaults: 'For lines with only a word',
    importResult: '{added} added, {replaced} replaced, {skipped} lines skipped', skippedLine: 'Line {line}: {reason}',
    place: 'Place', field: 'Field', item: 'Item ID',
  },
  categories: { politics: 'Politics', sexual: 'Sexual', gambling: 'Gambling', advert: 'Advert', abuse: 'Abuse', other: 'Other' },
  wordActions: { block: 'Block', mask: 'Mask', review: 'Review' },
  places: {
    post: 'Post', comment: 'Comment', nickname: 'Nickname', persona: 'Persona', entry: 'Entry', report: 'Report note',
    chat_message: 'Chat message', chat_reply: 'AI reply',
  },
  audit: {
    actor: 'Staff', actorId: 'Staff ID', action: 'Action', target: 'Target', targetKind: 'Target kind', targetId: 'Target ID',
    before: 'Before', after: 'After',
  },
  accounts: {
    name: 'Name', email: 'Email', role: 'Role', createdAt: 'First sign-in', lastSignIn: 'Last sign-in', openSessions: 'Open sessions',
    endSessions: 'Sign out everywhere', endConfirm: 'Sign "{name}" out on every device? This is recorded in the audit log.',
    ended: '"{name}" is signed out: {n} sessions ended',
  },
}

export default en
