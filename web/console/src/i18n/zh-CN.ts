// The console's texts in Simplified Chinese (the default); en.ts has the same keys.
export default {
  app: { title: '御姐加油站 · 管理后台' },
  roles: { moderator: '审核员', admin: '管理员' },
  menu: { queue: '举报队列', users: '用户', personas: '角色', safety: '内容安全', audit: '审计日志', accounts: '员工账号' },
  common: {
    refresh: '刷新', loadMore: '加载更多', cancel: '取消', save: '保存', delete: '删除', search: '搜索', retry: '重试',
    empty: '暂无数据', rawJson: '原始 JSON', signOut: '退出登录', language: '语言', time: '时间',
    reason: '原因', user: '用户', id: 'ID', networkError: '网络连接失败，请检查网络后重试',
  },
  signIn: {
    title: '登录管理后台', subtitle: '仅限御姐加油站工作人员使用', button: '使用统一身份认证登录',
    failed: '无法连接管理后台：{error}',
  },
  kinds: {
    persona: '人物', photo: '照片', entry: '条目', post: '帖子', comment: '评论', user: '用户', word: '敏感词', lexicon: '词库',
    staff: '员工账号',
  },
  reasons: { spam: '垃圾广告', abuse: '辱骂攻击', sexual: '色情低俗', privacy: '侵犯隐私', false_info: '虚假信息', other: '其他' },
  actions: {
    dismiss: '驳回举报', remove: '移除内容', ban: '封禁', unban: '解除封禁', style_note: '修改风格备注',
    lexicon_add: '添加敏感词', lexicon_remove: '删除敏感词', lexicon_import: '导入敏感词', end_sessions: '强制下线',
  },
  fields: { title: '标题', name: '名字', caption: '说明', text: '正文', body: '内容', aliases: '别名' },
  content: { images: '图片' },
  queue: {
    kind: '类型', reason: '举报原因', empty: '队列已清空，暂无待处理的举报', openCount: '{n} 条待处理',
    firstReported: '首次举报 {time}', asReported: '被举报时', now: '当前', gone: '已删除/已移除',
    author: '作者', authorGone: '作者账号已不存在', reports: '举报记录', reporter: '举报人', note: '补充说明',
    accountAge: '注册 {days} 天', removedItems: '被移除内容 {n} 条', bans: '历史封禁 {n} 次', banAuthor: '封禁作者',
  },
  ban: { none: '正常', until: '封禁至 {time}', permanent: '永久封禁' },
  dialog: {
    target: '对象', reason: '原因', reasonPlaceholder: '请填写处理原因，将记入审计日志', reasonRequired: '请填写原因',
    reasonTooLong: '原因最多 500 个字', days: '封禁时长', days1: '1天', days7: '7天', days30: '30天', permanent: '永久',
    removeContent: '同时移除其全部内容（可整体恢复）', restoreContent: '同时恢复封禁时移除的内容',
  },
  done: {
    dismiss: '已驳回，关闭 {n} 条举报', remove: '内容已移除，关闭 {n} 条举报', ban: '已封禁', banRemoved: '已封禁，并移除 {n} 条内容',
    unban: '已解除封禁', unbanRestored: '已解除封禁，并恢复 {n} 条内容',
  },
  users: {
    searchPlaceholder: '用户 ID 或昵称', noMatch: '没有找到匹配的用户', nickname: '昵称', member: '会员',
    memberUntil: '会员至 {time}', notMember: '非会员', status: '状态', joined: '注册时间', profile: '资料',
    orders: '订单', contentCounts: '内容统计', staffActions: '员工操作记录', back: '返回', noOrders: '暂无订单',
    orderNo: '订单号', plan: '套餐', channel: '支付方式', amount: '金额', period: '时长', orderState: '状态',
    createdAt: '下单时间', paidAt: '支付时间', days: '{n} 天',
  },
  channels: { wechatpay: '微信支付', alipay: '支付宝' },
  orderStates: { pending: '待支付', paid: '已支付', expired: '已过期', closed: '已关闭', refunded: '已退款' },
  itemStates: { visible: '可见', removed: '已移除', deleted: '已删除' },
  personas: {
    sync: '知识同步', persona: '角色 ID', documents: '文档数', pending: '待同步', failed: '失败',
    oldestPending: '最早待同步', lastSynced: '最近同步', stale: '待同步超过 60 秒',
    choose: '选择一个角色，查看被点踩的回复和风格备注', feedback: '被点踩的回复（点踩）', reply: '回复',
    noFeedback: '暂无点踩', styleNote: '风格备注', styleHint: '写入角色设定卡，影响 AI 的说话风格；留空即清除',
    readOnly: '仅管理员可以修改', saved: '风格备注已保存',
  },
  safety: {
    words: '词库', hits: '命中记录', list: '名单', deny: '敏感词', allow: '白名单', word: '词', category: '类别',
    action: '处理方式', addedBy: '添加人', addedAt: '添加时间', add: '添加', import: '批量导入',
    removeConfirm: '确定删除「{word}」吗？', removed: '已删除「{word}」', added: '已添加「{word}」',
    importHint: '每行一个词，或「词,类别,处理方式」；空行和 # 开头的行会被忽略', importFile: '选择 .txt 文件',
    importDefaults: '只有词的行使用', importResult: '新增 {added} 个，替换 {replaced} 个，跳过 {skipped} 行',
    skippedLine: '第 {line} 行：{reason}', place: '位置', field: '字段', item: '内容 ID',
  },
  categories: { politics: '政治', sexual: '色情', gambling: '赌博', advert: '广告', abuse: '辱骂', other: '其他' },
  wordActions: { block: '拦截', mask: '打码', review: '送审' },
  places: {
    post: '帖子', comment: '评论', nickname: '昵称', persona: '人物', entry: '条目', report: '举报说明',
    chat_message: '聊天消息', chat_reply: 'AI 回复',
  },
  audit: {
    actor: '操作人', actorId: '操作人 ID', action: '操作', target: '对象', targetKind: '对象类型', targetId: '对象 ID',
    before: '操作前', after: '操作后',
  },
  accounts: {
    name: '姓名', email: '邮箱', role: '角色', createdAt: '首次登录', lastSignIn: '最近登录', openSessions: '在线会话',
    endSessions: '强制下线', endConfirm: '确定让「{name}」在所有设备上退出登录吗？此操作会记入审计日志。',
    ended: '「{name}」已下线，结束 {n} 个会话',
  },
}
