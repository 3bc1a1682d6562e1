import { basename } from 'node:path';
import { expect, inject, it } from 'vitest';
import { npmInstallCommands, readmes } from '../src/readmes.js';
import { installedDependencies, publishablePackages } from '../src/workspace.js';

const packed = inject('packed');
const SCOPE = '@claude-code-server/';
// READMEs write the clone of this repository as <clone>; `npm run pack-packages` fills <clone>/packed/.
const CHECKOUT_TARBALL = /^<clone>\/packed\/([^/]+\.tgz)$/;

const publishable = new Map(publishablePackages().map((pkg) => [pkg.manifest.name, pkg.manifest]));
const packageOfTarball = new Map(packed.map((entry) => [basename(entry.filename), entry.name]));
const installs = readmes().flatMap((readme) =>
  npmInstallCommands(readme).map((args) => ({ readme: readme.path, args })),
);
const registryInstalls = installs.filter(({ args }) => args.some((arg) => arg.startsWith(SCOPE)));
const checkoutInstalls = installs.filter(({ args }) => args.some((arg) => CHECKOUT_TARBALL.test(arg)));

it('names only packages that are published', () => {
  const names = registryInstalls.flatMap(({ args }) => args.filter((arg) => arg.startsWith(SCOPE)));
  expect(names.length).toBeGreaterThan(0);
  expect(names.filter((name) => !publishable.has(name))).toEqual([]);
});

it('says, next to each npm install of ours, how to install the same packages from a checkout', () => {
  for (const { readme, args } of registryInstalls) {
    const wanted = args.filter((arg) => arg.startsWith(SCOPE));
    const fromCheckout = checkoutInstalls
      .filter((install) => install.readme === readme)
      .map((install) => tarballPackages(install.args));
    expect(
      fromCheckout.some((names) => wanted.every((name) => names.includes(name))),
      `${readme}: npm install ${wanted.join(' ')} from <clone>/packed/`,
    ).toBe(true);
  }
});

it('installs from a checkout with tarballs that `pack-packages` writes, dependencies included', () => {
  expect(checkoutInstalls.length).toBeGreaterThan(0);
  for (const { readme, args } of checkoutInstalls) {
    const files = args.flatMap((arg) => CHECKOUT_TARBALL.exec(arg)?.[1] ?? []);
    expect(
      files.filter((file) => !packageOfTarball.has(file)),
      `${readme}: tarballs that are not packed`,
    ).toEqual([]);
    const names = tarballPackages(args);
    // npm finds no other source for a package of ours until it is published.
    const unmet = names.flatMap((name) =>
      [...installedDependencies(publishable.get(name) ?? { name, version: '' })]
        .filter((dependency) => dependency.startsWith(SCOPE) && !names.includes(dependency))
        .map((dependency) => `${name} needs ${dependency}`),
    );
    expect(unmet, `${readme}: npm install ${args.join(' ')}`).toEqual([]);
  }
});

function tarballPackages(args: string[]): string[] {
  return args.flatMap((arg) => packageOfTarball.get(CHECKOUT_TARBALL.exec(arg)?.[1] ?? '') ?? []);
}
