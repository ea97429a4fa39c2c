// The public half of the release key that signs updates (Ed25519, 32 raw bytes in base64).
// Pinned in the app: an update signed by any other key is refused, whatever the release says.
//
// null: no key has been provisioned yet, so this build cannot verify updates and does not
// update itself (it says so; new versions are installed from the release page). Before the
// first public release a maintainer runs `node scripts/sign-update.mjs keygen <private.pem>`,
// stores the private key as the release secret RESULTITY_UPDATE_SIGNING_KEY and puts the
// printed public key here (docs/RELEASING.md, "Update signatures"). The release workflow's
// sign job refuses to sign with a key whose public half is not the one pinned here.
export const UPDATE_PUBLIC_KEY: string | null = null;
