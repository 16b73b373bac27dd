// The operator's view: the queue of my inboxes, Get next, my conversations, my status.

import {
  cell, duration, h, inboxCards, keyOf, queueRow, reconcile, setLabels, setStatus, setText, showWhenEmpty,
  updateQueueRow,
} from './ui.js';
import { lastActivity } from './store.js';

const QUEUE_SHOWN = 50;
const $ = id => document.getElementById(id);

export class OperatorView {
  constructor(app) {
    this.app = app;
    this.root = $('operator');
    $('get-next').addEventListener('click', () => this.getNext());
    $('my-status-toggle').addEventListener('click', event => this.setMyStatus(event.target.dataset.target));
  }

  render(store, now) {
    const me = store.me;
    inboxCards($('operator-inboxes'), store.inboxSummaries(now), now);

    const status = store.status(me.id);
    setStatus($('my-status'), status);
    const toggle = $('my-status-toggle');
    toggle.dataset.target = status === 'AVAILABLE' ? 'OFFLINE' : 'AVAILABLE';
    setText(toggle, status === 'AVAILABLE' ? 'Go offline' : 'Go available');

    const mine = store.heldBy(me.id);
    const capacity = store.capacity(me);
    setText($('my-load'), capacity === null ? `${mine.length} in progress` : `${mine.length} of ${capacity} in progress`);
    setText($('mine-count'), mine.length);
    const mineRows = $('mine-rows');
    reconcile(mineRows, mine, conversation => conversation.id,
      () => h('tr', {},
        cell('Customer', h('span', { class: 'customer' })), cell('Inbox', h('span', { class: 'inbox' })),
        cell('Last activity', h('span', { class: 'waiting' })), cell('Messages', h('span', { class: 'messages' })),
        h('td', { 'data-label': 'Labels', class: 'label-cell' }),
        cell('Actions', h('div', { class: 'pair' },
          h('button', { type: 'button', class: 'resolve', onclick: event => this.resolve(keyOf(event)) }, 'Resolve'),
          h('button', { type: 'button', class: 'release', onclick: event => this.release(keyOf(event)) }, 'Release')))),
      (row, conversation) => {
        const customer = conversation.customerPhoneNumber;
        setText(row.querySelector('.customer'), customer);
        setText(row.querySelector('.inbox'), store.inboxName(conversation.inboxId));
        setText(row.querySelector('.waiting'), `${duration(now - lastActivity(conversation))} ago`);
        setText(row.querySelector('.messages'), conversation.messageCount);
        setLabels(row.querySelector('.label-cell'), conversation.labels);
        row.querySelector('.resolve').setAttribute('aria-label', `Resolve ${customer}`);
        row.querySelector('.release').setAttribute('aria-label', `Release ${customer} to the queue`);
      }, $('get-next'));
    showWhenEmpty(mineRows, mine.length === 0);

    const queue = store.queue(now);
    setText($('my-queue-count'), `${queue.length}${store.truncated.queued ? '+' : ''}`);
    setText($('my-queue-hint'), queue.length > QUEUE_SHOWN
      ? `The ${QUEUE_SHOWN} most urgent of ${queue.length}: Get next takes the first.` : 'Get next takes the first.');
    const queueRows = $('my-queue-rows');
    reconcile(queueRows, queue.slice(0, QUEUE_SHOWN), entry => entry.conversation.id, queueRow(),
      (row, entry) => updateQueueRow(row, entry, store, now));
    showWhenEmpty(queueRows, queue.length === 0);
  }

  getNext() {
    this.app.act(() => this.app.api.post('/allocation/allocate', {}),
      conversation => conversation
        ? `You have ${conversation.customerPhoneNumber} from ${this.app.store.inboxName(conversation.inboxId)}`
        : 'Nobody is waiting in your inboxes.');
  }

  resolve(conversationId) {
    this.app.act(() => this.app.api.post('/allocation/resolve', { conversationId }),
      conversation => `${conversation.customerPhoneNumber} resolved`);
  }

  release(conversationId) {
    this.app.act(() => this.app.api.post('/allocation/deallocate', { conversationId }),
      conversation => `${conversation.customerPhoneNumber} is back in the queue`);
  }

  setMyStatus(status) {
    this.app.act(() => this.app.api.post('/operator-status/me', { status }),
      changed => `You are ${changed.status.toLowerCase()}`);
  }
}
