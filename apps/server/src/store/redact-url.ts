/** The URL with its password (and a password-like query value) replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    // Not a URL we can parse: hide anything between `:` and `@` that could be a password.
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}
