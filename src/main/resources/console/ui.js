// DOM helpers and the pieces both views show: inbox cards, labels, queue rows, durations.

import { lastActivity } from './store.js';

/** An element with attributes (`on*` become listeners) and children (strings become text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, value === true ? '' : value);
    }
  }
  element.append(...children.flat().filter(child => child !== null && child !== undefined));
  return element;
}

/** Sets text only when it changed, so that screen readers and selections are not disturbed every second. */
export function setText(element, text) {
  const value = String(text);
  if (element.textContent !== value) {
    element.textContent = value;
  }
}

/**
 * Makes `parent`'s children match `items` in order, one element per key, reusing the existing ones so that focus
 * and open controls survive updates. A removed element that had the focus hands it to its successor in the list
 * (or to `fallback`), so a keyboard user who resolved a conversation stays where they were.
 */
export function reconcile(parent, items, keyOf, create, update, fallback) {
  const existing = new Map([...parent.children].map(child => [child.dataset.key, child]));
  const focused = [...parent.children].findIndex(child => child.contains(document.activeElement));
  let next = parent.firstElementChild;
  for (const item of items) {
    const key = keyOf(item);
    let element = existing.get(key);
    if (element) {
      existing.delete(key);
    } else {
      element = create(item);
      element.dataset.key = key;
    }
    update(element, item);
    if (element === next) {
      next = next.nextElementSibling;
    } else if (parent.moveBefore && element.parentNode === parent) {
      parent.moveBefore(element, next);
    } else {
      parent.insertBefore(element, next);
    }
  }
  existing.forEach(element => element.remove());
  if (focused >= 0 && !parent.contains(document.activeElement)) {
    const successor = parent.children[Math.min(focused, parent.children.length - 1)];
    (successor?.querySelector('button, select') ?? fallback)?.focus();
  }
}

/** "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function duration(milliseconds) {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  }
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function clock(timestamp) {
  return new Date(timestamp).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** The key of the list item an event happened in: the conversation or operator a button acts on. */
export function keyOf(event) {
  return event.target.closest('[data-key]').dataset.key;
}

export function setStatus(element, status) {
  setText(element, status === 'AVAILABLE' ? 'Available' : 'Offline');
  element.classList.toggle('available', status === 'AVAILABLE');
}

/** A table cell that names its column, for the stacked layout of narrow screens. */
export function cell(label, ...children) {
  return h('td', { 'data-label': label }, ...children);
}

export function labelList(labels) {
  return h('ul', { class: 'labels' }, labels.map(label => {
    const chip = h('li', { class: 'label' }, label.name);
    if (label.color) {
      chip.style.setProperty('--label-color', label.color);
    }
    return chip;
  }));
}

/** Replaces a cell's labels when they changed. */
export function setLabels(td, labels) {
  const signature = labels.map(label => `${label.id}:${label.name}:${label.color}`).join('|');
  if (td.dataset.labels !== signature) {
    td.dataset.labels = signature;
    td.replaceChildren(labelList(labels));
  }
}

export function inboxCards(list, summaries, now) {
  reconcile(list, summaries, summary => summary.inbox.id,
    () => h('li', { class: 'card' },
      h('h3', { class: 'card-title' }), h('p', { class: 'phone' }),
      h('p', { class: 'depth' }, h('span', { class: 'depth-count' }), ' queued'),
      h('p', { class: 'oldest' }), h('p', { class: 'in-progress' })),
    (card, summary) => {
      setText(card.querySelector('.card-title'), summary.inbox.displayName);
      setText(card.querySelector('.phone'), summary.inbox.phoneNumber);
      setText(card.querySelector('.depth-count'), summary.queued);
      setText(card.querySelector('.oldest'), summary.oldest === null ? 'Nobody waiting'
        : `Oldest waiting ${duration(now - summary.oldest)}`);
      setText(card.querySelector('.in-progress'), `${summary.allocated} in progress`);
      card.classList.toggle('busy', summary.queued > 0 && now - summary.oldest > 15 * 60_000);
    });
}

/** Queue rows: priority, customer, inbox, waiting time, messages, labels, then any `extra` cells. */
export function queueRow(extra = () => []) {
  return () => h('tr', {},
    cell('Priority', h('span', { class: 'score' })), cell('Customer', h('span', { class: 'customer' })),
    cell('Inbox', h('span', { class: 'inbox' })), cell('Waiting', h('span', { class: 'waiting' })),
    cell('Messages', h('span', { class: 'messages' })), h('td', { 'data-label': 'Labels', class: 'label-cell' }),
    ...extra());
}

export function updateQueueRow(row, { conversation, score }, store, now) {
  setText(row.querySelector('.score'), Math.round(score));
  setText(row.querySelector('.customer'), conversation.customerPhoneNumber);
  setText(row.querySelector('.inbox'), store.inboxName(conversation.inboxId));
  setText(row.querySelector('.waiting'), duration(now - lastActivity(conversation)));
  setText(row.querySelector('.messages'), conversation.messageCount);
  setLabels(row.querySelector('.label-cell'), conversation.labels);
}

/** An empty list shows its section's note instead of an empty table. */
export function showWhenEmpty(tbody, empty) {
  const section = tbody.closest('section');
  section.querySelector('.table').hidden = empty;
  section.querySelector('.empty-note').hidden = !empty;
}
