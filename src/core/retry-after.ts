/**
 * Retry-After as RFC 9110 section 10.2.3 defines it: delay-seconds (digits only) or an HTTP-date (IMF-fixdate, or
 * the obsolete RFC 850 and asctime forms recipients must accept, section 5.6.7). Anything else (a negative number,
 * a fraction, garbage that Date.parse would still read, an impossible calendar date) is ignored, so the caller falls
 * back to its own backoff instead of trusting a misread value.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTH = `(${MONTHS.join("|")})`;
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
/** Sun, 06 Nov 1994 08:49:37 GMT */
const IMF = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** Sunday, 06-Nov-94 08:49:37 GMT */
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** Sun Nov  6 08:49:37 1994 */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** The fields of an HTTP-date in any of its three forms, or undefined. */
function dateFields(
  value: string,
  now: number,
): [day: number, month: string, year: number, time: string[]] | undefined {
  const imf = IMF.exec(value);
  if (imf) return [Number(imf[1]), imf[2] as string, Number(imf[3]), imf.slice(4)];
  const rfc850 = RFC850.exec(value);
  if (rfc850) {
    // Two-digit years more than 50 years ahead are in the past century (RFC 9110 section 5.6.7).
    let year = 2000 + Number(rfc850[3]);
    if (year > new Date(now).getUTCFullYear() + 50) year -= 100;
    return [Number(rfc850[1]), rfc850[2] as string, year, rfc850.slice(4)];
  }
  const asc = ASCTIME.exec(value);
  if (asc) return [Number((asc[2] as string).trim()), asc[1] as string, Number(asc[6]), asc.slice(3, 6)];
  return undefined;
}

/** Milliseconds since the epoch of an HTTP-date, or undefined when it is not one. */
export function parseHttpDate(value: string, now = Date.now()): number | undefined {
  const fields = dateFields(value, now);
  if (!fields) return undefined;
  const [day, month, year, time] = fields;
  const [h, min, s] = time.map(Number) as [number, number, number];
  const monthIndex = MONTHS.indexOf(month);
  const ms = Date.UTC(year, monthIndex, day, h, min, s);
  // Date.UTC rolls 31 Feb over into March and 25:00 into the next day: such a date is not a date.
  const check = new Date(ms);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== monthIndex || h > 23 || min > 59 || s > 60) {
    return undefined;
  }
  return ms;
}

/** Seconds from a delay-seconds value (digits only); undefined for anything else. */
function delaySeconds(value: string): number | undefined {
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Seconds to wait from Retry-After (seconds or an HTTP-date; a date in the past means now) or Mattermost's
 * X-RateLimit-Reset (seconds), if one of them is present and well formed.
 */
export function retryAfterSeconds(headers: Record<string, string>, now = Date.now()): number | undefined {
  const retryAfter = headers["retry-after"]?.trim();
  if (retryAfter) {
    const seconds = delaySeconds(retryAfter);
    if (seconds !== undefined) return seconds;
    const date = parseHttpDate(retryAfter, now);
    if (date !== undefined) return Math.max(0, (date - now) / 1000);
  }
  const reset = headers["x-ratelimit-reset"]?.trim();
  return reset ? delaySeconds(reset) : undefined;
}
