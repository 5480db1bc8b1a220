import { defineErrors } from './types';

export const commonErrors = defineErrors({
  INTERNAL: {
    message: 'Something went wrong inside OSG Onboard: {detail}',
    hint: 'Try again. If it keeps happening, press “Get help” (top right) to save a support bundle and send it to the help desk.',
  },
  INVALID_INPUT: {
    message: 'The value for “{field}” is not valid: {detail}',
    hint: 'Correct the highlighted field and try again.',
  },
  UNKNOWN_PROCEDURE: {
    message: 'The app asked for an action it does not know ({detail}).',
    hint: 'This is a bug: restart the app; if it persists, report it to the help desk.',
  },
  UNAUTHORIZED: {
    message: 'This request did not come from the OSG Onboard window.',
    hint: 'Open the app again from its own window or the URL it printed at start (it carries a one-time token).',
  },
  NOT_AVAILABLE_YET: {
    message: '“{feature}” is not available in this version yet.',
    hint: 'Follow your VO’s manual instructions for this step for now.',
  },
  FILE_EXISTS: {
    message: 'A file already exists at {path}.',
    hint: 'It has been kept. Choose another name, or move the old file away first.',
  },
  IO_ERROR: {
    message: 'Could not {action} {path}: {detail}',
    hint: 'Check that the folder exists, that you may write to it, and that the disk is not full.',
  },
  UNKNOWN_COMMAND: {
    message: '“{command}” is not an osg-onboard command.',
    hint: 'Run `osg-onboard --help` to see the commands.',
  },
  USAGE: {
    message: 'The options are not right: {detail}',
    hint: 'Usage: {usage}',
  },
  CANCELLED: {
    message: 'The operation was cancelled.',
    hint: 'Start it again when you are ready.',
  },
});
