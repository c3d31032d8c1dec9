import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it.each([
    ['postgres://postgres@127.0.0.1:5432/hookline', 'postgres://***@127.0.0.1:5432/hookline'],
    ['postgres://user:secret@db.internal:5432/hookline', 'postgres://***@db.internal:5432/hookline'],
    ['redis://:p%40ss@redis:6379/0', 'redis://***@redis:6379/0'],
    // Unencoded @ and # in the password: the URL parser would split them elsewhere; the text is cut at the last @.
    ['postgres://user:p@ss#w0rd@db:5432/hookline', 'postgres://***@db:5432/hookline'],
    ['rediss://default:a#b@c@cache.example:6380/1', 'rediss://***@cache.example:6380/1'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it('leaves a URL without credentials as it is', () => {
    expect(redactUrl('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
  });

  it('hides the whole value when it is not even shaped like a URL but holds an @', () => {
    expect(redactUrl('user:secret@host')).toBe('***');
  });
});
