/**
 * The subscriber agreement shown in the Request step above the "I AGREE" box. The seed's CA
 * (CILogon OSG CA) showed the IGTF certificate subscriber agreement there; a CA's own agreement
 * is the binding one, so for real VOs this text is introduced as a summary of the obligations
 * every IGTF-accredited CA asks of its subscribers, and the sandbox shows it as practice.
 * Written here in our own words; its SHA-256 is recorded with the agreement in the journal.
 */

export const POLICY_VERSION = '2025-1';

export interface PolicyText {
  readonly version: string;
  readonly title: string;
  /** Paragraphs, in order. */
  readonly paragraphs: readonly string[];
}

const OBLIGATIONS: readonly string[] = [
  'A certificate binds your identity to a key pair. By checking “I AGREE” you confirm that you have read these terms, understand them, and accept them. If you do not agree, do not check the box and do not send the request.',
  '1. Your key. The private key is made on this computer and never leaves it unencrypted. You keep it confidential, protect it with a strong passphrase, and never share it or the certificate’s password with anyone — not with your sponsor, your VO, or the help desk.',
  '2. Compromise. If you suspect your key or password was seen or copied, you tell the certificate authority within one working day, stop using the certificate, and ask for it to be revoked.',
  '3. True information. The name and e-mail address you give are yours and correct. When they change (for example a new e-mail address), you request a new certificate and ask for the old one to be revoked.',
  '4. Use. You use the certificate only for the purposes your CA and your Virtual Organization allow (grid jobs, data transfer, VO services), and you follow the acceptable use policies of the sites you use.',
  '5. Your sponsor. Your sponsor confirms that you are who you say you are and that you belong to the VO. The certificate authority may refuse or revoke a certificate when this cannot be confirmed.',
  '6. Records. The certificate authority keeps records of your request, its approval and your certificate, as its published policy says. Your certificate (name, e-mail address, validity) is public.',
];

/** The agreement for a VO: practice text in the sandbox, a summary pointing to the CA's own agreement otherwise. */
export function policyFor(vo: { readonly name: string; readonly sandbox: boolean }): PolicyText {
  if (vo.sandbox) {
    return {
      version: `sandbox-${POLICY_VERSION}`,
      title: 'Sandbox CA subscriber agreement (practice)',
      paragraphs: [
        'This is the OSG Onboard sandbox: the certificate it issues is trusted only on this computer. The terms below are the ones real grid certificate authorities ask you to accept, so that you know what you will be agreeing to.',
        ...OBLIGATIONS,
      ],
    };
  }
  return {
    version: POLICY_VERSION,
    title: 'Certificate subscriber agreement (summary)',
    paragraphs: [
      `This summarises what every IGTF-accredited certificate authority asks of its subscribers. The agreement of the certificate authority that serves ${vo.name} is the binding one: read it on your CA’s web site before you agree.`,
      ...OBLIGATIONS,
    ],
  };
}
