import { basicConstraints, certificatePolicies, proxyCertInfo, type ParsedCertificate } from './cert';
import { CN_OID } from './name';

/**
 * IGTF entity-definition policy OIDs (IGTF "Policy on automated client or robot entities",
 * { igtf(1.2.840.113612.5) policies(2) one-statement-certificate-policies(3)
 * entity-definition(3) automated-client(1) … }). Relying parties read them the same way
 * (dCache maps .3.3.1 to ROBOT, .3.3.2 to HOST, .3.3.3 to PERSON; GridSite's
 * END_ENTITY_ROBOT_OID is .3.3.1). A versioned sub-OID (e.g. …3.3.1.1) counts too.
 */
export const IGTF_ROBOT_POLICY_OID = '1.2.840.113612.5.2.3.3.1';
export const IGTF_HOST_POLICY_OID = '1.2.840.113612.5.2.3.3.2';
export const IGTF_PERSON_POLICY_OID = '1.2.840.113612.5.2.3.3.3';

/**
 * The IGTF naming convention for robots: a CN beginning "Robot" followed by a separator
 * ("Robot: portal.example.org", "Robot - Science Gateway", "robot:x"), not "Robotics Lab".
 */
export const ROBOT_CN = /^robot\s*[:-]/i;

export interface RobotCheck {
  readonly robot: boolean;
  /** What matched, in words (shown to the portal operator). */
  readonly evidence: readonly string[];
  /** Why it is not a robot certificate, when it is not. */
  readonly problems: readonly string[];
  readonly policyOids: readonly string[];
}

const underOid = (o: string, base: string) => o === base || o.startsWith(base + '.');

/**
 * Is this an IGTF robot certificate? Checks, in order: it is an end-entity certificate
 * (not a CA, not a proxy); and either a CN follows the "Robot:" / "Robot -" convention, or
 * certificatePolicies holds the IGTF robot (automated client) policy OID. A certificate that
 * carries the IGTF person or host policy is refused even with a Robot CN.
 */
export function checkRobotCertificate(cert: ParsedCertificate): RobotCheck {
  const evidence: string[] = [];
  const problems: string[] = [];
  let policyOids: string[] = [];
  try {
    policyOids = certificatePolicies(cert);
  } catch {
    problems.push('its certificatePolicies extension cannot be read');
  }
  if (basicConstraints(cert)?.ca) problems.push('it is a CA certificate');
  let pci = false;
  try {
    pci = proxyCertInfo(cert) !== undefined;
  } catch {
    pci = true;
  }
  if (pci) problems.push('it is a proxy, not the robot’s own certificate');

  const cns = cert.subject.flat().filter((a) => a.oid === CN_OID).map((a) => a.value);
  const robotCn = cns.find((v) => ROBOT_CN.test(v));
  if (robotCn) evidence.push(`its CN “${robotCn}” follows the IGTF “Robot:” naming convention`);
  const robotPolicy = policyOids.find((o) => underOid(o, IGTF_ROBOT_POLICY_OID));
  if (robotPolicy) evidence.push(`it carries the IGTF robot policy OID ${robotPolicy}`);
  const person = policyOids.find((o) => underOid(o, IGTF_PERSON_POLICY_OID));
  const host = policyOids.find((o) => underOid(o, IGTF_HOST_POLICY_OID));
  if (!robotPolicy && person) problems.push(`it carries the IGTF person policy OID ${person}`);
  if (!robotPolicy && host) problems.push(`it carries the IGTF host policy OID ${host}`);
  if (evidence.length === 0) {
    problems.push(`no CN starts with “Robot:” or “Robot -” and certificatePolicies lacks ${IGTF_ROBOT_POLICY_OID}`);
  }
  return { robot: evidence.length > 0 && problems.length === 0, evidence, problems, policyOids };
}
