// One axios front end per convention, modelled on the published interceptors those backends were written for.
// Each keeps its tokens as that front end does, attaches them as it does, recognises "expired" as it does,
// and refreshes through a single shared call: concurrent failures wait for the one refresh, then replay, and a
// failure of a request sent with a token that was replaced meanwhile replays without refreshing.
// Query: ?dialect=<profile id>&api=<server origin>&credential=<code-1002 client credential>.
// The page reports names and counts only, never a token.
(function () {
  'use strict';
  const query = new URLSearchParams(location.search);
  const api = query.get('api');
  const USER = { username: 'demo', password: 'demo-password' };
  const report = { refreshes: 0 };

  /**
   * Refreshes for a request that was rejected, one refresh at a time: callers arriving while it runs share it, and a
   * request sent with a token that has been replaced since needs none. {@code current()} is the token now held;
   * request interceptors note the token they attach as {@code config.sentWith}.
   */
  function singleFlight(refresh, current) {
    let running = null;
    return (config) => {
      if (running) return running;
      if (config.sentWith !== current()) return Promise.resolve();
      report.refreshes++;
      running = refresh().finally(() => { running = null; });
      return running;
    };
  }

  // RFC 6749 SPA: form posts to the token endpoint, Bearer header, 401 with WWW-Authenticate.
  function oauth2() {
    let tokens = {};
    const http = axios.create({ baseURL: api });
    const token = (fields) => axios.post(api + '/oauth/token', new URLSearchParams({ client_id: 'demo-client', ...fields }));
    const keep = (data) => { tokens = { access: data.access_token, refresh: data.refresh_token || tokens.refresh }; };
    const refresh = singleFlight(async () => keep((await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh })).data),
      () => tokens.access);
    http.interceptors.request.use((config) => {
      config.sentWith = tokens.access;
      config.headers.Authorization = 'Bearer ' + tokens.access;
      return config;
    });
    http.interceptors.response.use((r) => r, async (error) => {
      const config = error.config;
      if (error.response && error.response.status === 401 && !config.retried) {
        report.wwwAuthenticate = error.response.headers['www-authenticate'] || null;
        config.retried = true;
        await refresh(config);
        return http(config);
      }
      throw error;
    });
    return {
      login: async () => keep((await token({ grant_type: 'password', ...USER })).data),
      me: async () => (await http.get('/api/me')).data,
    };
  }

  // PUT with the refresh token as bearer; the front end keeps the login reply's data as its user object
  // ({token, refresh_token}) and only replaces the token on refresh.
  function putBearer() {
    let user = null;
    const http = axios.create({ baseURL: api });
    const refresh = singleFlight(async () => {
      const r = await axios({ method: 'PUT', url: api + '/v1_0/authorizations',
        headers: { Authorization: 'Bearer ' + user.refresh_token } });
      user.token = r.data.data.token;
    }, () => user.token);
    http.interceptors.request.use((config) => {
      config.sentWith = user && user.token;
      if (user && user.token) config.headers.Authorization = 'Bearer ' + user.token;
      return config;
    });
    http.interceptors.response.use((r) => r, async (error) => {
      const config = error.config;
      if (error.response && error.response.status === 401 && user && user.refresh_token && !config.retried) {
        config.retried = true;
        await refresh(config);
        return http(config);
      }
      throw error;
    });
    return {
      login: async () => {
        user = (await http.post('/v1_0/authorizations', USER)).data.data;
        report.userKeepsRefreshToken = typeof user.refresh_token === 'string' && user.refresh_token.length > 0;
      },
      me: async () => (await http.get('/api/me')).data.data,
    };
  }

  // Credentialed requests (withCredentials) everywhere; "expired" is HTTP 200 {"code":1002}; the renewal call
  // carries the front end's own client credential.
  function code1002() {
    let tokens = {};
    const http = axios.create({ baseURL: api, withCredentials: true });
    const refresh = singleFlight(async () => {
      const r = await http.post('/app/renewal', { refreshToken: tokens.refreshToken, authorization: query.get('credential') });
      tokens = { token: r.data.token, refreshToken: r.data.refreshToken || tokens.refreshToken };
    }, () => tokens.token);
    http.interceptors.request.use((config) => {
      config.sentWith = tokens.token;
      if (tokens.token) config.headers.Authorization = 'Bearer ' + tokens.token;
      return config;
    });
    http.interceptors.response.use(async (r) => {
      if (r.data && r.data.code === 1002 && !r.config.retried) {
        r.config.retried = true;
        await refresh(r.config);
        return http(r.config);
      }
      if (r.data && r.data.code !== undefined && r.data.code !== 0) throw new Error('code ' + r.data.code);
      return r;
    });
    return {
      login: async () => {
        const r = await http.post('/app/login', USER);
        tokens = { token: r.data.token, refreshToken: r.data.refreshToken };
        report.withCredentials = r.config.withCredentials === true;
      },
      me: async () => (await http.get('/api/me')).data.data,
    };
  }

  // X-Token header; every reply is HTTP 200 with a code, and any code but 0 is an error; 50014 means expired.
  // The refresh token goes in the path.
  function code50014() {
    let tokens = {};
    const http = axios.create({ baseURL: api });
    const keep = (data) => { tokens = { token: data.token, refreshToken: data.refreshToken || tokens.refreshToken }; };
    const refresh = singleFlight(async () => keep((await http.post('/refreshJwt/' + tokens.refreshToken)).data.data),
      () => tokens.token);
    http.interceptors.request.use((config) => {
      config.sentWith = tokens.token;
      if (tokens.token) config.headers['X-Token'] = tokens.token;
      return config;
    });
    http.interceptors.response.use(async (r) => {
      const res = r.data;
      if (res.code === 0) return r;
      if (res.code === 50014 && !r.config.retried) {
        r.config.retried = true;
        await refresh(r.config);
        return http(r.config);
      }
      throw new Error(res.message || 'code ' + res.code);
    });
    return {
      login: async () => keep((await http.post('/user/login', USER)).data.data),
      me: async () => (await http.get('/api/me')).data.data,
    };
  }

  // "token" header, left off requests that say isToken: false (a header the browser sends along); errors carry a
  // code and their text in msg; HTTP 400 with code 401 means expired; the refresh token goes in the query.
  function code401() {
    let tokens = {};
    const http = axios.create({ baseURL: api });
    const keep = (data) => { tokens = { accessToken: data.accessToken, refreshToken: data.refreshToken || tokens.refreshToken }; };
    const refresh = singleFlight(async () => keep((await http.post('/token/refresh', null,
      { params: { refreshToken: tokens.refreshToken }, headers: { isToken: false } })).data.data), () => tokens.accessToken);
    http.interceptors.request.use((config) => {
      config.sentWith = tokens.accessToken;
      const isToken = config.headers.isToken === false || config.headers.isToken === 'false';
      if (tokens.accessToken && !isToken) config.headers.token = tokens.accessToken;
      return config;
    });
    http.interceptors.response.use((r) => r, async (error) => {
      const config = error.config;
      const res = error.response && error.response.data;
      if (error.response && error.response.status === 400 && res.code === 401 && !config.retried) {
        config.retried = true;
        await refresh(config);
        return http(config);
      }
      throw new Error(res && res.msg ? res.msg : String(error));
    });
    return {
      login: async () => {
        try {
          await http.post('/login', { username: USER.username, password: 'wrong' }, { headers: { isToken: false } });
        } catch (e) {
          report.badLoginMessage = e.message; // what the front end shows the user
        }
        keep((await http.post('/login', USER, { headers: { isToken: false } })).data.data);
      },
      me: async () => (await http.get('/api/me')).data.data,
    };
  }

  const frontEnds = { 'oauth2': oauth2, 'put-bearer': putBearer, 'code-1002': code1002, 'code-50014': code50014,
    'code-401': code401 };
  const frontEnd = frontEnds[query.get('dialect')]();
  const failure = (e) => ({ ...report, error: String(e && e.message ? e.message : e) });

  window.frontEnd = {
    /** Logs in and calls the API once. */
    signInAndCall: () => frontEnd.login().then(frontEnd.me)
      .then((me) => ({ ...report, user: me.displayName }), failure),
    /** Calls the API n times at once. */
    burst: (n) => Promise.all(Array.from({ length: n }, () => frontEnd.me()))
      .then((all) => ({ ...report, users: all.map((me) => me.displayName) }), failure),
  };
})();
