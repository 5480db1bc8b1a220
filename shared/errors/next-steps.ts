import { defineErrors } from './types';

/** The Next steps wizard step and the Tools area (the proxy library's own codes are in ./proxy). */
export const nextStepsErrors = defineErrors({
  NEXT_STEPS_NO_CREDENTIAL: {
    message: 'There is no certificate to make a proxy from yet ({detail}).',
    hint: 'Do the “{step}” step first; then come back to “Next steps”.',
  },
  NEXT_STEPS_NOT_ISSUED: {
    message: 'Your certificate request {requestId} is not issued yet: {detail}.',
    hint: 'Wait for your sponsor to approve it (the “Request” step shows where it stands), then make the proxy.',
  },
  TOOLS_FILE_NOT_FOUND: {
    message: 'There is no {what} at {path}.',
    hint: 'Check the path (a full path such as /home/you/robot/robotcert.pem, or ~/robot/robotcert.pem).',
  },
  TOOLS_OUT_IS_INPUT: {
    message: 'The output path {path} is the robot’s own {what}.',
    hint: 'Choose another file for the per-user sub-proxy, for example ~/pusp/x509up_user.',
  },
});
