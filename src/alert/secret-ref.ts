import { envRefString } from '../config/env-refs.js';

/** A webhook URL, routing key or signing secret: only ever a reference, so the config file can be committed. */
export const SecretRef = envRefString('must be an ${env:NAME} reference; webhook URLs, keys and secrets are never literal in config files');
