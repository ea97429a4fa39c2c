/** `repo@sha256:…`: pulls and runs always go by digest; the tag is informative only. */
export function imageRef(image: { repository: string; digest: string }): string {
  return `${image.repository}@${image.digest}`;
}

/** docker.io/library/x, library/x and x are the same repository. */
export function normaliseRepository(repo: string): string {
  let r = repo.trim().toLowerCase();
  r = r.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  r = r.replace(/^library\//, '');
  return r;
}

/** True when one of the image's RepoDigests is exactly `repository@digest`. */
export function repoDigestsContain(
  repoDigests: readonly string[] | undefined,
  repository: string,
  digest: string,
): boolean {
  const want = normaliseRepository(repository);
  return (repoDigests ?? []).some((rd) => {
    const at = rd.lastIndexOf('@');
    return at > 0 && rd.slice(at + 1) === digest && normaliseRepository(rd.slice(0, at)) === want;
  });
}
