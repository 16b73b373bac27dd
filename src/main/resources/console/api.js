// The public API with the signed-in token. Failures become ApiErrors carrying the problem's title and detail.

export class ApiError extends Error {
  constructor({ title, detail, status }) {
    super(detail ? `${title}: ${detail}` : title);
    this.title = title;
    this.detail = detail ?? '';
    this.status = status ?? 0;
  }
}

export class Api {
  constructor(token) {
    this.token = token;
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, body = {}) {
    return this.request('POST', path, body);
  }

  put(path, body) {
    return this.request('PUT', path, body);
  }

  /** Follows nextCursor until the last page or `cap` items: `{items, truncated}`. */
  async pages(path, cap) {
    const items = [];
    let cursor = null;
    do {
      const page = await this.get(cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < cap);
    return { items, truncated: Boolean(cursor) };
  }

  async request(method, path, body) {
    const headers = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(path, {
        method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (failure) {
      throw new ApiError({ title: 'The service does not answer', detail: `${method} ${path}: ${failure.message}` });
    }
    if (response.status === 204) {
      return null;
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: reported below as it is
    }
    if (!response.ok) {
      throw new ApiError(json?.title ? json
        : { title: `HTTP ${response.status}`, detail: text.slice(0, 200), status: response.status });
    }
    return json;
  }
}
