import { defineErrors } from './types';

/** Support bundle (what the user sends the help desk) and the help desk's replay of it. */
export const supportErrors = defineErrors({
  SUPPORT_BUNDLE_UNREADABLE: {
    message: 'The support bundle {file} could not be read: {detail}',
    hint: 'Check the path; ask the user to send the file again if it was cut short in the e-mail.',
  },
  SUPPORT_BUNDLE_INVALID: {
    message: 'The file {file} is not a support bundle OSG Onboard can replay: {problem}',
    hint: 'Ask the user to save a new bundle with “Get help” (or `osg-onboard support bundle`) and send it unchanged.',
  },
  SUPPORT_BUNDLE_VERSION: {
    message: 'The support bundle {file} has format version {version}; this OSG Onboard reads version {supported}.',
    hint: 'Replay it with an OSG Onboard of the same version as the user’s ({appVersion}).',
  },
  SUPPORT_REPLAY_FOLDER_NOT_FRESH: {
    message: 'The folder {path} cannot hold a replay: {detail}',
    hint: 'Give an empty or new folder with --data, or leave --data out to get a fresh temporary folder. A replay never uses your own data folder.',
  },
  SUPPORT_REDACTION_FAILED: {
    message: 'The support bundle was not saved: a check found something private still in it ({what}).',
    hint: 'This is a bug in OSG Onboard’s redaction; nothing was written. Tell the help desk what you were doing, without the bundle.',
  },
  SUPPORT_SAVE_FOLDER_INVALID: {
    message: 'The support bundle cannot be saved in {path}: {detail}',
    hint: 'Choose a folder that exists and that you may write to (for example your Downloads folder).',
  },
});
