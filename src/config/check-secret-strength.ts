import { isWeakSecret, MIN_SECRET_LENGTH } from '../redact.js';
import { formatPath, type Problem, warning } from './problems.js';

/**
 * Warns about secrets too short or too common to redact safely: such a value is also an ordinary word, so
 * the redactor replaces it only where it stands as a value (a form field, a query, a quoted string), never where the
 * same word reads as prose in a message. Names the secret, never its value. Shorter than `MIN_SECRET_LENGTH` is an
 * error elsewhere (`shortSecretProblems`).
 */
export function weakSecretWarnings(secrets: Readonly<Record<string, string>>): Problem[] {
  return Object.entries(secrets)
    .filter(([, v]) => v.length >= MIN_SECRET_LENGTH && isWeakSecret(v))
    .map(([name]) =>
      warning(
        formatPath(['secrets', name]),
        'the value is short or a common word: it is redacted where it stands as a value, but the same word in a message is left readable',
        'use a longer random value (8 characters or more, not a dictionary word) in the environment it comes from',
      ),
    );
}
