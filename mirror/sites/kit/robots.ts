/** The permissive robots.txt served for portals where no source found one (docs/portals.md: "none found"). */
export const ALLOW_ALL_ROBOTS = 'User-agent: *\nDisallow:\n';
