// The event feed over /ws: subscribe, keep the last cursor, and after a dropped connection resume from it (the
// server replays what was missed, or answers resync when that is too much).

const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 3000];

export class Feed {
  /**
   * handlers: live(fresh) once subscribed (fresh: from the head, nothing to resume), event(e), resync(),
   * state('connecting' | 'live' | 'reconnecting'), ended(reason) when the server closed for good.
   */
  constructor(token, handlers) {
    this.token = token;
    this.handlers = handlers;
    this.cursor = null;
    this.failures = 0;
    this.socket = null;
    this.stopped = false;
  }

  start() {
    this.handlers.state('connecting');
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.socket?.close(1000);
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/ws?access_token=${encodeURIComponent(this.token)}`);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify(
      this.cursor ? { type: 'subscribe', after: this.cursor } : { type: 'subscribe' }));
    socket.onmessage = ({ data }) => this.receive(JSON.parse(data));
    socket.onclose = ({ code, reason }) => {
      if (socket !== this.socket || this.stopped) {
        return;
      }
      if (code === 1008) {
        this.handlers.ended(reason || 'the server closed the connection');
        return;
      }
      this.handlers.state('reconnecting');
      const delay = RETRY_DELAYS_MS[Math.min(this.failures++, RETRY_DELAYS_MS.length - 1)];
      setTimeout(() => this.stopped || this.connect(), delay);
    };
  }

  receive(frame) {
    if (frame.type === 'subscribed') {
      const fresh = this.cursor === null;
      this.cursor = frame.cursor;
      this.failures = 0;
      this.handlers.state('live');
      this.handlers.live(fresh);
    } else if (frame.type === 'event') {
      this.cursor = frame.cursor;
      this.handlers.event(frame.event);
    } else if (frame.type === 'resync') {
      this.cursor = frame.cursor;
      this.failures = 0;
      this.handlers.state('live');
      this.handlers.resync();
    }
  }
}
