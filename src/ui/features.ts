/**
 * Parts of the app that are switched on only once they exist. `trainer`: the "Make your own classifier" entry on the
 * first screen (src/ui/ModelIntro.tsx), a link to `#trainer`; whoever builds the trainer gives its panel that id and
 * turns this on. Off, the entry is not shown at all: no promise the page cannot keep.
 */
export interface Features {
  trainer: boolean;
}

export const FEATURES: Readonly<Features> = { trainer: true };
