/**
 * What to do about images missing from the engine (berth never pulls), said for the user's machine.
 * Only berth's own fixture and example images point at berth's repository script.
 */
const OWN_IMAGE = /^berth-(fixtures|example)\//;

export function missingImageHint(images: string[]): string {
  if (images.length > 0 && images.every((i) => OWN_IMAGE.test(i))) {
    return "berth never pulls. These are berth's own test images: build them with `bash scripts/build-images.sh` in berth's repository.";
  }
  const one = images.length === 1 ? images[0]! : "IMAGE";
  return `berth never pulls. Build it (\`docker build -t ${one} DIR\`, or give the service a \`build:\` section and berth builds it), load it (\`docker load -i FILE.tar\`), or tag an existing image (\`docker tag SOURCE ${one}\`).`;
}
