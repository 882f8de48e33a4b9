import { validateDetailed } from 'node-cron';
import { z } from 'zod';

/**
 * A cron expression in node-cron's syntax (optional seconds field), checked by node-cron itself so the config
 * accepts exactly what the scheduler and maintenance windows will run. The one cron schema of the config.
 */
export const CronSchema = z.string().superRefine((expr, ctx) => {
  const check = validateDetailed(expr);
  if (!check.valid) {
    const why = check.errors.map((e) => e.message).join('; ');
    ctx.addIssue({ code: 'custom', message: `invalid cron expression "${expr}"${why === '' ? '' : `: ${why}`}` });
  }
});
