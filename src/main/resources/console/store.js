// What the console knows of the tenant: loaded over REST, then kept current by the feed's events. Conversation
// events carry the conversation as the API shows it right after the change, so applying them in feed order on top
// of a load converges to the current state.

/** Most conversations of one state loaded at once; past it the console says that it shows the top of the queue. */
const LOAD_CAP = 2000;
const ACTIVITY_SIZE = 100;

export class Store {
  constructor(api, me) {
    this.api = api;
    this.me = me;
    this.tenant = null;
    this.inboxes = new Map();
    this.operators = new Map();
    this.statuses = new Map();
    this.subscriptions = new Map();
    /** QUEUED and ALLOCATED conversations by id; a RESOLVED one leaves. */
    this.conversations = new Map();
    /** Whether more QUEUED or ALLOCATED conversations exist than were loaded. */
    this.truncated = { queued: false, allocated: false };
    this.activity = [];
  }

  get managing() {
    return this.me.role !== 'OPERATOR';
  }

  async load() {
    const api = this.api;
    const team = api.get('/operators');
    const [tenant, inboxes, operators, queued, held, statuses, subscriptions] = await Promise.all([
      api.get('/tenants/me'),
      api.get('/inboxes'),
      team,
      api.pages('/conversations?state=QUEUED&sort=priority&limit=100', LOAD_CAP),
      api.pages('/conversations?state=ALLOCATED&sort=oldest&limit=100', LOAD_CAP),
      this.managing
        ? team.then(page => Promise.all(page.items.map(operator => api.get(`/operator-status/${operator.id}`))))
        : api.get('/operator-status/me').then(status => [status]),
      this.managing ? api.get('/operator-inbox-subscriptions').then(page => page.items) : [],
    ]);
    this.tenant = tenant;
    this.inboxes = byId(inboxes.items);
    this.operators = byId(operators.items);
    this.me = this.operators.get(this.me.id) ?? this.me;
    this.conversations = byId([...queued.items, ...held.items]);
    this.truncated = { queued: queued.truncated, allocated: held.truncated };
    this.statuses = new Map(statuses.map(status => [status.operatorId, status]));
    this.subscriptions = byId(subscriptions);
  }

  /**
   * Applies one event of the feed. Answers 'reload' when the caller's own view changed shape (an operator's
   * subscriptions), 'restart' when their role changed (another view), else nothing.
   */
  apply(event) {
    this.activity.unshift(event);
    this.activity.length = Math.min(this.activity.length, ACTIVITY_SIZE);
    if (event.conversation) {
      this.putConversation(event.conversation);
      return null;
    }
    const details = event.details ?? {};
    const aboutMe = event.operatorId === this.me.id;
    switch (event.type) {
      case 'OPERATOR_STATUS_CHANGED':
        this.statuses.set(details.operatorId, details);
        return null;
      case 'OPERATOR_CREATED':
      case 'OPERATOR_UPDATED':
        this.operators.set(details.id, details);
        if (aboutMe) {
          const roleChanged = details.role !== this.me.role;
          this.me = details;
          return roleChanged ? 'restart' : null;
        }
        return null;
      case 'OPERATOR_DELETED':
        this.operators.delete(details.id);
        this.statuses.delete(details.id);
        return null;
      case 'SUBSCRIPTION_ADDED':
        this.subscriptions.set(details.id, details);
        return aboutMe && !this.managing ? 'reload' : null;
      case 'SUBSCRIPTION_REMOVED':
        this.subscriptions.delete(details.id);
        return aboutMe && !this.managing ? 'reload' : null;
      case 'INBOX_CREATED':
      case 'INBOX_UPDATED':
        this.inboxes.set(details.id, details);
        return null;
      case 'INBOX_DELETED':
        this.inboxes.delete(details.id);
        return null;
      case 'LABEL_UPDATED':
        this.relabel(labels => labels.map(label => label.id === details.id
          ? { id: details.id, name: details.name, color: details.color } : label));
        return null;
      case 'LABEL_DELETED':
        this.relabel(labels => labels.filter(label => label.id !== details.id));
        return null;
      case 'TENANT_UPDATED':
        this.tenant = details;
        return null;
      default:
        return null;
    }
  }

  /** A conversation as an event shows it. */
  putConversation(conversation) {
    if (conversation.state === 'RESOLVED') {
      this.conversations.delete(conversation.id);
    } else {
      this.conversations.set(conversation.id, conversation);
    }
  }

  /** An action's answer: it may arrive after an event that changed the conversation again, and then loses. */
  offerConversation(conversation) {
    const known = this.conversations.get(conversation.id);
    if (!known || Date.parse(known.updatedAt) <= Date.parse(conversation.updatedAt)) {
      this.putConversation(conversation);
    }
  }

  relabel(change) {
    for (const [id, conversation] of this.conversations) {
      this.conversations.set(id, { ...conversation, labels: change(conversation.labels) });
    }
  }

  /** QUEUED conversations of the visible inboxes in allocation order (see openapi.yaml, "Priority"). */
  queue(now) {
    const queued = [...this.conversations.values()]
      .filter(c => c.state === 'QUEUED' && this.inboxes.has(c.inboxId))
      .map(c => ({ conversation: c, score: this.score(c, now), since: lastActivity(c) }));
    return queued.sort((a, b) => b.score - a.score || a.since - b.since
      || a.conversation.id.localeCompare(b.conversation.id));
  }

  score(conversation, now) {
    const { messageCountWeight, delayWeight } = this.tenant;
    return messageCountWeight * Math.log1p(conversation.messageCount)
      + delayWeight * Math.max(0, (now - lastActivity(conversation)) / 1000);
  }

  allocated() {
    return [...this.conversations.values()]
      .filter(c => c.state === 'ALLOCATED')
      .sort((a, b) => lastActivity(a) - lastActivity(b) || a.id.localeCompare(b.id));
  }

  heldBy(operatorId) {
    return this.allocated().filter(c => c.assignedOperatorId === operatorId);
  }

  /** Per inbox: how many wait, since when the longest has waited, how many are being worked on. */
  inboxSummaries(now) {
    const summaries = new Map([...this.inboxes.values()].map(inbox => [inbox.id,
      { inbox, queued: 0, oldest: null, allocated: 0 }]));
    for (const c of this.conversations.values()) {
      const summary = summaries.get(c.inboxId);
      if (!summary) {
        continue;
      }
      if (c.state === 'QUEUED') {
        summary.queued++;
        summary.oldest = Math.min(summary.oldest ?? now, lastActivity(c));
      } else if (c.state === 'ALLOCATED') {
        summary.allocated++;
      }
    }
    return [...summaries.values()].sort((a, b) => a.inbox.displayName.localeCompare(b.inbox.displayName));
  }

  /** Capacity as the service counts it: the operator's own limit, else the tenant's default; null = none. */
  capacity(operator) {
    return operator.maxConcurrent ?? this.tenant.defaultMaxConcurrent ?? null;
  }

  status(operatorId) {
    return this.statuses.get(operatorId)?.status ?? 'OFFLINE';
  }

  /** Operators who could take a conversation of this inbox: subscribed to it; the service checks the rest. */
  candidates(conversation) {
    const subscribed = new Set([...this.subscriptions.values()]
      .filter(s => s.inboxId === conversation.inboxId).map(s => s.operatorId));
    return [...this.operators.values()]
      .filter(o => subscribed.has(o.id) && o.id !== conversation.assignedOperatorId)
      .sort((a, b) => (this.status(a.id) === 'AVAILABLE' ? 0 : 1) - (this.status(b.id) === 'AVAILABLE' ? 0 : 1)
        || a.name.localeCompare(b.name));
  }

  operatorName(id) {
    return this.operators.get(id)?.name ?? 'someone';
  }

  inboxName(id) {
    return this.inboxes.get(id)?.displayName ?? 'another inbox';
  }
}

/** When the customer last wrote (else when the conversation was created): what the waiting time counts from. */
export function lastActivity(conversation) {
  return Date.parse(conversation.lastMessageAt ?? conversation.createdAt);
}

function byId(items) {
  return new Map(items.map(item => [item.id, item]));
}
