/** The channels' `${env:NAME}` schema lives with their config schemas in config/. */
export { SecretRef } from '../config/alert-channels.js';
