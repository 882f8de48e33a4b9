/** "1 journey", "2 journeys", "0 journeys": counts in user-facing lines read as English. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
