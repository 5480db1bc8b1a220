import { defineErrors } from './types';

export const protectErrors = defineErrors({
  PROTECT_NOT_CHOSEN: {
    message: 'You have not chosen yet where the passphrase of your private key is kept.',
    hint: 'Go back to the “Protect” step and choose the keychain or “ask me each time”.',
  },
});
