/**
 * Runs once before the suite. Checks the suite runs on the Lambda runtime's
 * Node major version (nodejs24.x), so a pass here means a pass there.
 */
export default function setup(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 24) {
    throw new Error(
      `tests must run on Node 24 (the nodejs24.x runtime), not ${process.version}: run them with npm test`,
    );
  }
}
