// The console: sign in with a token (from the URL fragment, which never reaches a server, or pasted), load the
// tenant over REST, follow the feed over /ws, and show the manager's or the operator's view.

import { Api, ApiError } from './api.js';
import { Feed } from './feed.js';
import { Store } from './store.js';
import { ManagerView } from './manager.js';
import { OperatorView } from './operator.js';
import { setText } from './ui.js';

/** Per browser tab, so that a reload keeps the session and a closed tab forgets it. */
const TOKEN_KEY = 'inbox-allocation.console.token';
const PEOPLE = ['OPERATOR', 'MANAGER', 'ADMIN'];
const RELOAD_RETRY_MS = 3000;
const NOTICE_MS = 5000;
const CONNECTION_TEXT = {
  connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', ended: 'Disconnected',
};
const $ = id => document.getElementById(id);

class App {
  /** Checks the token with the service and finds out who it is. */
  static async open(token) {
    const api = new Api(token);
    const tenant = await api.get('/tenants/me');
    const claims = claimsOf(token);
    if (!PEOPLE.includes(claims?.role)) {
      throw new ApiError({
        title: 'Not a token of a person',
        detail: `The console is for operators, managers and admins; this token's role is ${claims?.role}.`,
      });
    }
    const me = await api.get(`/operators/${encodeURIComponent(claims.sub)}`);
    return new App(token, api, tenant, me);
  }

  constructor(token, api, tenant, me) {
    this.api = api;
    this.store = new Store(api, me);
    this.view = me.role === 'OPERATOR' ? new OperatorView(this) : new ManagerView(this);
    this.loaded = false;
    this.loading = false;
    /** Events that arrived while a load ran: applied on top of it, in feed order. */
    this.held = [];
    this.pending = false;
    setText($('tenant'), tenant.name);
    setText($('who'), `${me.name} · ${me.role.toLowerCase()}`);
    this.feed = new Feed(token, {
      live: fresh => (fresh || !this.loaded ? this.reload() : this.render()),
      event: event => (this.loading || !this.loaded ? this.held.push(event) : this.apply(event)),
      resync: () => this.reload(),
      state: state => {
        showConnection(state);
        if (state === 'reconnecting') {
          this.checkToken();
        }
      },
      ended: reason => {
        showConnection('ended');
        this.showProblem({ title: 'Disconnected', detail: reason });
      },
    });
  }

  start() {
    document.body.dataset.view = this.store.managing ? 'manager' : 'operator';
    this.view.root.hidden = false;
    $('sign-out').hidden = false;
    this.feed.start();
    this.ticker = setInterval(() => this.render(), 1000);
  }

  /** A full load over REST (at the start, and when the feed says resync), then the events that came meanwhile. */
  async reload() {
    if (this.loading) {
      this.reloadAgain = true;
      return;
    }
    this.loading = true;
    this.held = [];
    try {
      await this.store.load();
      this.loaded = true;
    } catch (failure) {
      this.loaded = false;
      this.showProblem(failure);
      if (failure.status !== 401) {
        setTimeout(() => this.loaded || this.reload(), RELOAD_RETRY_MS);
      }
    }
    this.loading = false;
    const held = this.held;
    this.held = [];
    if (this.loaded) {
      held.forEach(event => this.apply(event));
    }
    if (this.reloadAgain) {
      this.reloadAgain = false;
      this.reload();
    }
    this.render();
  }

  apply(event) {
    const effect = this.store.apply(event);
    if (effect === 'restart') {
      location.reload();
    } else if (effect === 'reload') {
      this.reload();
    }
    this.render();
  }

  /** Runs an action of the API; its answer shows at once, its problem as title and detail. */
  async act(action, success) {
    hideProblem();
    try {
      const result = await action();
      if (result?.state) {
        this.store.offerConversation(result);
      } else if (result?.operatorId && result.status) {
        this.store.statuses.set(result.operatorId, result);
      }
      notify(success(result));
      this.render();
    } catch (failure) {
      this.showProblem(failure);
    }
  }

  showProblem(problem) {
    if (problem.status === 401) {
      this.signedOut(problem);
    } else {
      showProblem(problem);
    }
  }

  /** A socket that keeps failing may be a token that expired (the upgrade's 401 is not visible to a page). */
  checkToken() {
    this.api.get('/tenants/me').catch(failure => failure.status === 401 && this.signedOut(failure));
  }

  signedOut(problem) {
    this.feed.stop();
    clearInterval(this.ticker);
    this.view.root.hidden = true;
    $('sign-out').hidden = true;
    $('connection').hidden = true;
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn(problem);
  }

  /** Renders at most once per task, whatever the number of events. */
  render() {
    if (this.pending) {
      return;
    }
    this.pending = true;
    setTimeout(() => {
      this.pending = false;
      if (this.loaded) {
        this.view.render(this.store, Date.now());
      }
    });
  }
}

/** Says what an action did, for a few seconds. */
function notify(text) {
  setText($('notice'), text);
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => setText($('notice'), ''), NOTICE_MS);
}

function showConnection(state) {
  const element = $('connection');
  element.hidden = false;
  element.dataset.state = state;
  setText(element, CONNECTION_TEXT[state]);
}

function showProblem(problem) {
  setText($('problem-title'), problem.title ?? 'Something went wrong');
  setText($('problem-detail'), problem.detail ?? problem.message ?? '');
  $('problem').hidden = false;
}

function hideProblem() {
  $('problem').hidden = true;
}

function claimsOf(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return null;
  }
}

function fragmentToken() {
  return new URLSearchParams(location.hash.slice(1)).get('token');
}

/** A token handed over in the fragment is kept for the tab and taken out of the address bar and history. */
function takeToken() {
  const token = fragmentToken();
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function showSignIn(problem, token) {
  document.body.dataset.view = 'sign-in';
  $('sign-in').hidden = false;
  $('token-input').value = token ?? '';
  if (problem) {
    showProblem(problem);
  }
  $('token-input').focus();
}

async function signIn(token) {
  hideProblem();
  let app;
  try {
    app = await App.open(token);
  } catch (failure) {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn(failure, token);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('sign-in').hidden = true;
  app.start();
}

$('sign-in-form').addEventListener('submit', event => {
  event.preventDefault();
  signIn($('token-input').value.trim().replace(/^Bearer\s+/i, ''));
});
$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
});
$('problem-dismiss').addEventListener('click', hideProblem);
// Another link opened in this tab: a fresh start with its token (other fragments, like the skip link's, are not).
window.addEventListener('hashchange', () => {
  if (fragmentToken()) {
    takeToken();
    location.reload();
  }
});

const token = takeToken();
if (token) {
  signIn(token);
} else {
  showSignIn();
}
