// The files a manifest names, so that a package can be checked to hold every one of them.

/** The manifest fields that name files. */
export interface ManifestWithFiles {
  icons?: unknown;
  action?: { default_icon?: unknown; default_popup?: string };
  devtools_page?: string;
  options_page?: string;
  options_ui?: { page?: string };
  background?: { service_worker?: string; page?: string; scripts?: string[] };
  content_scripts?: { js?: string[]; css?: string[] }[];
  web_accessible_resources?: { resources?: string[] }[];
}

/** Every path the manifest names (icons, pages, scripts, styles, web-accessible files without
 *  wildcards), without duplicates. */
export function manifestFiles(manifest: ManifestWithFiles): string[] {
  const files: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value) files.push(value.replace(/^\//, ''));
  };
  const icons = (value: unknown) => {
    if (typeof value === 'string') add(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(add);
  };
  icons(manifest.icons);
  icons(manifest.action?.default_icon);
  add(manifest.action?.default_popup);
  add(manifest.devtools_page);
  add(manifest.options_page);
  add(manifest.options_ui?.page);
  add(manifest.background?.service_worker);
  add(manifest.background?.page);
  (manifest.background?.scripts ?? []).forEach(add);
  for (const script of manifest.content_scripts ?? []) {
    (script.js ?? []).forEach(add);
    (script.css ?? []).forEach(add);
  }
  for (const resources of manifest.web_accessible_resources ?? []) {
    for (const path of resources.resources ?? []) if (!path.includes('*')) add(path);
  }
  return [...new Set(files)];
}
