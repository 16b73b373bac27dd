// The manager's and admin's view: every inbox, the queue, who is working on what, the team, and what just happened.

import {
  cell, clock, duration, h, inboxCards, keyOf, queueRow, reconcile, setLabels, setStatus, setText, showWhenEmpty,
  updateQueueRow,
} from './ui.js';
import { lastActivity } from './store.js';

const QUEUE_SHOWN = 50;
const $ = id => document.getElementById(id);

export class ManagerView {
  constructor(app) {
    this.app = app;
    this.root = $('manager');
  }

  render(store, now) {
    const load = activeCounts(store);
    inboxCards($('manager-inboxes'), store.inboxSummaries(now), now);

    const queue = store.queue(now);
    setText($('queue-count'), `${queue.length}${store.truncated.queued ? '+' : ''}`);
    setText($('queue-hint'), queue.length > QUEUE_SHOWN
      ? `The ${QUEUE_SHOWN} most urgent of ${queue.length}, in the order Get next takes them.`
      : 'In the order Get next takes them.');
    const queueRows = $('queue-rows');
    reconcile(queueRows, queue.slice(0, QUEUE_SHOWN), entry => entry.conversation.id,
      queueRow(() => [cell('Reassign', this.reassignControl())]),
      (row, entry) => {
        updateQueueRow(row, entry, store, now);
        this.updateReassign(row, entry.conversation, store);
      }, $('queue-title'));
    showWhenEmpty(queueRows, queue.length === 0);

    const allocated = store.allocated();
    setText($('allocated-count'), `${allocated.length}${store.truncated.allocated ? '+' : ''}`);
    const allocatedRows = $('allocated-rows');
    reconcile(allocatedRows, allocated, conversation => conversation.id,
      () => h('tr', {},
        cell('Operator', h('span', { class: 'owner' })), cell('Customer', h('span', { class: 'customer' })),
        cell('Inbox', h('span', { class: 'inbox' })), cell('Last activity', h('span', { class: 'waiting' })),
        cell('Messages', h('span', { class: 'messages' })), h('td', { 'data-label': 'Labels', class: 'label-cell' }),
        cell('Actions', h('div', { class: 'actions' },
          h('div', { class: 'pair' },
            h('button', { type: 'button', class: 'resolve', onclick: event => this.resolve(keyOf(event)) }, 'Resolve'),
            h('button', { type: 'button', class: 'release', onclick: event => this.release(keyOf(event)) }, 'Release')),
          this.reassignControl()))),
      (row, conversation) => {
        setText(row.querySelector('.owner'), store.operatorName(conversation.assignedOperatorId));
        setText(row.querySelector('.customer'), conversation.customerPhoneNumber);
        setText(row.querySelector('.inbox'), store.inboxName(conversation.inboxId));
        setText(row.querySelector('.waiting'), `${duration(now - lastActivity(conversation))} ago`);
        setText(row.querySelector('.messages'), conversation.messageCount);
        setLabels(row.querySelector('.label-cell'), conversation.labels);
        const customer = conversation.customerPhoneNumber;
        row.querySelector('.resolve').setAttribute('aria-label', `Resolve ${customer}`);
        row.querySelector('.release').setAttribute('aria-label', `Release ${customer} to the queue`);
        this.updateReassign(row, conversation, store);
      }, $('allocated-title'));
    showWhenEmpty(allocatedRows, allocated.length === 0);

    this.renderOperators(store, load);
    this.renderActivity(store);
  }

  renderOperators(store, load) {
    const inboxesOf = new Map();
    for (const subscription of store.subscriptions.values()) {
      const names = inboxesOf.get(subscription.operatorId) ?? [];
      names.push(store.inboxName(subscription.inboxId));
      inboxesOf.set(subscription.operatorId, names);
    }
    const operators = [...store.operators.values()].sort((a, b) => a.name.localeCompare(b.name));
    reconcile($('operator-rows'), operators, operator => operator.id,
      () => h('li', { class: 'operator' },
        h('div', { class: 'operator-head' }, h('span', { class: 'name' }), h('span', { class: 'role' }),
          h('span', { class: 'status' })),
        h('p', { class: 'load' }), h('p', { class: 'serves' }),
        h('button', { type: 'button', class: 'toggle-status', onclick: event => this.toggleStatus(event) })),
      (item, operator) => {
        const status = store.status(operator.id);
        const capacity = store.capacity(operator);
        const active = load.get(operator.id) ?? 0;
        setText(item.querySelector('.name'), operator.name);
        setText(item.querySelector('.role'), operator.role === 'OPERATOR' ? '' : operator.role.toLowerCase());
        setStatus(item.querySelector('.status'), status);
        setText(item.querySelector('.load'), capacity === null ? `${active} active`
          : `${active} active of ${capacity}`);
        item.classList.toggle('full', capacity !== null && active >= capacity);
        setText(item.querySelector('.serves'), (inboxesOf.get(operator.id) ?? ['no inbox']).sort().join(', '));
        const toggle = item.querySelector('.toggle-status');
        const target = status === 'AVAILABLE' ? 'OFFLINE' : 'AVAILABLE';
        toggle.dataset.target = target;
        setText(toggle, target === 'OFFLINE' ? 'Set offline' : 'Set available');
        toggle.setAttribute('aria-label', `Set ${operator.name} ${target.toLowerCase()}`);
      }, $('operators-title'));
  }

  renderActivity(store) {
    reconcile($('activity-rows'), store.activity, event => String(event.id),
      event => h('li', { class: `event ${event.type.toLowerCase()}` },
        h('time', { datetime: event.occurredAt }, clock(event.occurredAt)), ' ', describe(event, store)),
      () => {});
  }

  /** A select of the operators subscribed to the conversation's inbox, and the button that gives it to one. */
  reassignControl() {
    return h('div', { class: 'reassign' },
      h('select', {}),
      h('button', { type: 'button', onclick: event => this.reassign(event) }, 'Reassign'));
  }

  updateReassign(row, conversation, store) {
    const select = row.querySelector('.reassign select');
    select.setAttribute('aria-label', `Reassign ${conversation.customerPhoneNumber} to`);
    // Names and statuses only: options rebuilt on every allocation would close a select someone has open.
    const options = store.candidates(conversation).map(operator =>
      [operator.id, `${operator.name} (${store.status(operator.id) === 'AVAILABLE' ? 'available' : 'offline'})`]);
    const signature = JSON.stringify(options);
    if (select.dataset.options === signature) {
      return;
    }
    select.dataset.options = signature;
    const chosen = select.value;
    select.replaceChildren(h('option', { value: '' }, options.length ? 'Operator…' : 'Nobody serves it'),
      ...options.map(([id, text]) => h('option', { value: id }, text)));
    select.value = options.some(([id]) => id === chosen) ? chosen : '';
  }

  reassign(event) {
    const conversationId = keyOf(event);
    const newOperatorId = event.target.closest('.reassign').querySelector('select').value;
    if (!newOperatorId) {
      this.app.showProblem({ title: 'Choose an operator', detail: 'Pick who should take the conversation, then Reassign.' });
      return;
    }
    this.app.act(() => this.app.api.post('/allocation/reassign', { conversationId, newOperatorId }),
      conversation => `${conversation.customerPhoneNumber} now with ${this.app.store.operatorName(newOperatorId)}`);
  }

  resolve(conversationId) {
    this.app.act(() => this.app.api.post('/allocation/resolve', { conversationId }),
      conversation => `${conversation.customerPhoneNumber} resolved`);
  }

  release(conversationId) {
    this.app.act(() => this.app.api.post('/allocation/deallocate', { conversationId }),
      conversation => `${conversation.customerPhoneNumber} is back in the queue`);
  }

  toggleStatus(event) {
    const operatorId = keyOf(event);
    const status = event.target.dataset.target;
    this.app.act(() => this.app.api.put(`/operator-status/${operatorId}`, { status }),
      changed => `${this.app.store.operatorName(changed.operatorId)} is ${changed.status.toLowerCase()}`);
  }
}

/** ALLOCATED conversations per operator, counted once per render. */
function activeCounts(store) {
  const counts = new Map();
  for (const conversation of store.allocated()) {
    counts.set(conversation.assignedOperatorId, (counts.get(conversation.assignedOperatorId) ?? 0) + 1);
  }
  return counts;
}

const RELEASE_REASONS = {
  DEALLOCATE: 'released',
  GRACE_EXPIRED: 'its operator stayed offline',
  OPERATOR_DELETED: 'its operator was removed',
  MOVED: 'moved to an inbox its operator does not serve',
};
const ALLOCATION_REASONS = { AUTO: 'Get next', CLAIM: 'claimed', PUSH: 'assigned by the service' };

/** One line of the activity list, in the words of the console. */
function describe(event, store) {
  const conversation = event.conversation;
  const customer = conversation?.customerPhoneNumber;
  const details = event.details ?? {};
  const actor = event.actorRole === 'SERVICE' ? 'The orchestrator'
    : event.actorRole === 'SYSTEM' ? 'The service' : store.operatorName(event.actorId);
  switch (event.type) {
    case 'CREATED':
      return `${customer} wrote to ${store.inboxName(conversation.inboxId)}`;
    case 'UPDATED':
      return `${customer} wrote again (${conversation.messageCount} messages)`;
    case 'REOPENED':
      return `${customer} wrote again after being resolved: back in the queue`;
    case 'ALLOCATED':
      return `${store.operatorName(event.operatorId)} took ${customer} (${ALLOCATION_REASONS[event.reason] ?? event.reason})`;
    case 'RESOLVED':
      return `${actor} resolved ${customer}`;
    case 'RELEASED':
      return `${customer} back in the queue: ${RELEASE_REASONS[event.reason] ?? event.reason}`;
    case 'REASSIGNED':
      return `${actor} gave ${customer} to ${store.operatorName(event.operatorId)}`;
    case 'MOVED':
      return `${customer} moved to ${store.inboxName(conversation.inboxId)}`;
    case 'LABEL_ADDED':
      return `${customer} labelled ${details.labelName}`;
    case 'LABEL_REMOVED':
      return `${customer} no longer labelled ${details.labelName}`;
    case 'OPERATOR_STATUS_CHANGED':
      return `${store.operatorName(details.operatorId)} is ${details.status === 'AVAILABLE' ? 'available' : 'offline'}`;
    case 'OPERATOR_CREATED':
      return `${details.name} joined as ${details.role.toLowerCase()}`;
    case 'OPERATOR_UPDATED':
      return `${details.name} changed (${details.role.toLowerCase()}, capacity ${details.maxConcurrent ?? 'default'})`;
    case 'OPERATOR_DELETED':
      return `${details.name} was removed`;
    case 'SUBSCRIPTION_ADDED':
      return `${store.operatorName(details.operatorId)} now serves ${store.inboxName(details.inboxId)}`;
    case 'SUBSCRIPTION_REMOVED':
      return `${store.operatorName(details.operatorId)} no longer serves ${store.inboxName(details.inboxId)}`;
    case 'INBOX_CREATED':
    case 'INBOX_UPDATED':
    case 'INBOX_DELETED':
      return `Inbox ${details.displayName} ${event.type.slice(6).toLowerCase()}`;
    case 'LABEL_CREATED':
    case 'LABEL_UPDATED':
    case 'LABEL_DELETED':
      return `Label ${details.name} ${event.type.slice(6).toLowerCase()}`;
    case 'TENANT_UPDATED':
      return `${actor} changed the tenant's settings`;
    default:
      return event.type;
  }
}
