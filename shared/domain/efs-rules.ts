/**
 * What Amazon EFS allows, as AWS states it, in one place: which file systems
 * can use Elastic throughput, how fast a Bursting file system bursts, the
 * IOPS each throughput mode allows, the Provisioned range, and the wait
 * after a throughput change. The diagnosis, the decision, Remediate and the
 * messages all read these, so a rule is said the same way everywhere.
 */

const MiB = 1024 * 1024;
const TiB = 1024 * 1024 * MiB;

/**
 * Elastic throughput only with General Purpose performance mode. re:Post
 * knowledge center "efs-choosing-correct-throughput-mode": "Elastic
 * throughput mode is available only for file systems that are configured
 * with the General Purpose performance mode". The EFS user guide's
 * performance table (docs.aws.amazon.com/efs/latest/ug/performance.html)
 * lists Elastic only among General Purpose configurations. The performance
 * mode "can't be changed after the file system has been created"
 * (@aws-sdk/client-efs, CreateFileSystem PerformanceMode).
 */
export function elasticAllowed(
  performanceMode: 'generalPurpose' | 'maxIO' | string | null | undefined,
): boolean {
  return performanceMode !== 'maxIO';
}

/** Why Elastic is not offered to a Max I/O file system, in one sentence. */
export const MAX_IO_NO_ELASTIC =
  'EFS offers Elastic throughput only with General Purpose performance mode, and a Max I/O file system cannot change its performance mode';

/**
 * Burst rate of a Bursting file system: 100 MiB/s per TiB of Standard-class
 * storage, at least 100 MiB/s. EFS user guide, "Performance" (burst
 * throughput table: 2,048 GiB bursts at 200 MiB/s); "file systems with more
 * than 1 TiB of Standard class storage can drive 100 MiB/s per TB" (AWS
 * What's New, 2020-06-30, "Amazon EFS increases file system minimum
 * throughput").
 */
export function burstBytesPerSecondFor(sizeStandardBytes: number): number {
  const perTib = (100 * MiB * Math.max(0, sizeStandardBytes)) / TiB;
  return Math.max(100 * MiB, perTib);
}

/**
 * IOPS limits per throughput mode of a Regional General Purpose file
 * system: the EFS user guide's "Performance specifications for file systems
 * using General Purpose performance mode" table
 * (docs.aws.amazon.com/efs/latest/ug/performance.html). Elastic's figures
 * are its maxima; by default Elastic drives 250,000 read IOPS of frequently
 * accessed data and 50,000 write IOPS, raised on request (same table,
 * footnote 3). PercentIOLimit measures how close the file system is to the
 * limit of its current configuration (EFS user guide, "CloudWatch metrics
 * for Amazon EFS"). One Zone file systems have 35,000 read and 7,000 write
 * IOPS whatever their throughput mode (same table, One Zone row).
 */
export const IOPS_LIMITS = {
  bursting: { read: '35,000', write: '7,000' },
  provisioned: { read: '55,000', write: '25,000' },
  elastic: { read: '900,000–2,500,000', write: '500,000' },
  elasticDefault: { read: '250,000', write: '50,000' },
  /** One Zone file systems, in every throughput mode. */
  oneZone: { read: '35,000', write: '7,000' },
} as const;

/**
 * The Provisioned range: "Valid values are 1-3414 MiBps, with the upper
 * limit depending on Region" (@aws-sdk/client-efs, CreateFileSystem and
 * UpdateFileSystem ProvisionedThroughputInMibps).
 */
export const PROVISIONED_MIN_MIBPS = 1;
export const PROVISIONED_MAX_MIBPS = 3414;

/**
 * The 24 h wait as the current EFS user guide ("Managing file system
 * throughput") words it: after switching to Provisioned or increasing the
 * provisioned amount, wait at least 24 hours before changing the mode again
 * or decreasing the amount.
 */
export const EFS_WAIT_AFTER_PROVISIONED =
  'EFS: after a switch to Provisioned or an increase of the provisioned amount, the mode cannot change again and the amount cannot decrease for 24 h (EFS user guide, managing throughput); further increases are allowed';

/**
 * A switch to Elastic: the current guide puts no wait after it, older
 * knowledge-center text says any throughput mode change starts a 24 h wait.
 * EFS's own TooManyRequests answer, with its "Wait until" time, decides.
 */
export const EFS_WAIT_AFTER_ELASTIC =
  'EFS: the current user guide puts the 24 h wait only after a switch to Provisioned or an increase of it, older knowledge-center text after any mode change; if EFS refuses with TooManyRequests, its "Wait until" time is the one that counts';

/** Our own cap, named as ours. */
export const OWN_CAP =
  "burstguard's own limit, not AWS's: it makes at most one change per file system per 24 h, recorded in its incident store";

/**
 * Maximum burst credit balance of a Bursting file system: 2.1 TiB for file
 * systems smaller than 1 TiB, 2.1 TiB per TiB stored above; new file
 * systems start with 2.1 TiB (EFS user guide, "Amazon EFS Performance",
 * throughput scaling: awsdocs/amazon-efs-user-guide
 * `doc_source/performance.md`).
 */
export function maxBurstCreditBytesFor(sizeStandardBytes: number): number {
  return 2.1 * TiB * Math.max(1, sizeStandardBytes / TiB);
}
