// The project check's colours, beside the plan's (styles.ts): the footprint in near-black so that it stands
// out on every layer colour, overlapping plan features in magenta (selection is blue).

export const DRAFT = '#1d2330';
export const FOOTPRINT = '#111827';
export const OVERLAP = '#c2185b';
export const PROBLEM = '#b42318';
