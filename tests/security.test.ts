/**
 * Keeps the source free of the ways an untrusted string could become code or markup: no innerHTML /
 * outerHTML / insertAdjacentHTML / document.write (DOM is built with ui/dom's h() and textContent), no
 * eval, no new Function, no string timers; and index.html keeps a Content-Security-Policy that allows
 * only what the app needs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|tsx|js|mjs|html)$/.test(name) ? [path] : [];
  });
}

/** Source text without comments (so a doc comment may name what it avoids). */
const code = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const FORBIDDEN: [string, RegExp][] = [
  ['innerHTML', /\binnerHTML\b/],
  ['outerHTML', /\bouterHTML\b/],
  ['insertAdjacentHTML', /\binsertAdjacentHTML\b/],
  ['document.write', /\bdocument\s*\.\s*write(ln)?\s*\(/],
  ['eval', /(^|[^.\w])eval\s*\(/],
  ['new Function', /\bnew\s+Function\s*\(/],
  ['Function(...)', /(^|[^.\w])Function\s*\(\s*['"`]/],
  ['string timer', /\bset(Timeout|Interval)\s*\(\s*['"`]/],
  ['inline event handler attribute', /setAttribute\s*\(\s*['"]on/],
  ['srcdoc', /\bsrcdoc\b/],
];

describe('no untrusted string reaches markup or code', () => {
  const files = [...sources('src'), ...sources('scripts'), 'index.html'];
  it.each(FORBIDDEN)('no %s in src/, scripts/ or index.html', (_name, pattern) => {
    const hits = files.filter((f) => pattern.test(code(readFileSync(f, 'utf8'))));
    expect(hits).toEqual([]);
  });
  it('the check itself sees what it forbids', () => {
    expect(FORBIDDEN[0][1].test(code('el.innerHTML = x;'))).toBe(true);
    expect(FORBIDDEN[4][1].test(code('const y = eval(s);'))).toBe(true);
    expect(FORBIDDEN[5][1].test(code('new Function("return 1")'))).toBe(true);
    expect(FORBIDDEN[0][1].test(code('/** no innerHTML here */ const a = 1;'))).toBe(false);
  });
});

describe('Content-Security-Policy of index.html', () => {
  const html = readFileSync('index.html', 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  const policy = new Map((meta?.[1] ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map((d) => [d[0], d.slice(1)]));
  it('is there, and scripts come only from the app itself (plus WebAssembly compilation)', () => {
    expect(meta).not.toBeNull();
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    for (const [name, sources] of policy) {
      expect(sources, name).not.toContain("'unsafe-eval'");
      expect(sources, name).not.toContain('*');
      expect(sources, name).not.toContain('http:');
      expect(sources, name).not.toContain('https:');
      if (name !== 'style-src') expect(sources, name).not.toContain("'unsafe-inline'");
    }
  });
  it('the page has no inline script', () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });
});
