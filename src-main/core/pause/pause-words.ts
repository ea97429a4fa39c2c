const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "14:05" in the operator's local time. */
export function localClockTime(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** "resumes at 07:00", or "resumes Tuesday at 07:00" when that is not today. */
export function resumesAt(at: number, now: number): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return sameDay
    ? `resumes at ${localClockTime(at)}`
    : `resumes ${DAYS[new Date(at).getDay()]} at ${localClockTime(at)}`;
}
