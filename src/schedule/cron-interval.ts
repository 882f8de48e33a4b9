/** The cron arithmetic lives in config/, where validation needs it; the scheduler keeps importing it from here. */
export { cronIntervalMs, formatInterval } from '../config/cron-interval.js';
