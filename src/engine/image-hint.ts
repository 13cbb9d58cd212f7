/**
 * What to do about images missing from the engine that berth did not pull (`pull_policy: never`,
 * `--pull never`, or a pull that failed), said for the user's machine.
 * Only berth's own fixture and example images point at berth's repository script.
 */
const OWN_IMAGE = /^berth-(fixtures|example)\//;

/** berth's own fixture and example images, which no registry has. */
export const isOwnImage = (image: string): boolean => OWN_IMAGE.test(image);

export function missingImageHint(images: string[]): string {
  if (images.length > 0 && images.every((i) => OWN_IMAGE.test(i))) {
    return "These are berth's own test images (no registry has them): build them with `bash scripts/build-images.sh` in berth's repository.";
  }
  const one = images.length === 1 ? images[0]! : "IMAGE";
  return `Let berth pull it (pull_policy missing, the default, or \`--pull missing\`), build it (\`docker build -t ${one} DIR\`, or give the service a \`build:\` section and berth builds it), load it (\`docker load -i FILE.tar\`), or tag an existing image (\`docker tag SOURCE ${one}\`).`;
}
