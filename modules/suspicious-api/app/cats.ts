/**
 * The cat pictures the API serves: small SVG drawings generated here, so the
 * app ships its own kitties and depends on no outside API.
 */

interface CatLook {
  readonly name: string;
  readonly background: string;
  readonly fur: string;
  readonly innerEar: string;
  readonly eyes: string;
  /** Darker fur for the forehead stripes, or none. */
  readonly stripes?: string;
  /** Closed eyes. */
  readonly sleepy?: boolean;
  /** Colour of the mouth and whiskers. @default a dark brown */
  readonly lines?: string;
}

const LOOKS: readonly CatLook[] = [
  { name: 'Marmalade, an orange tabby', background: '#fdf6e3', fur: '#f4a261', innerEar: '#f8c8a8', eyes: '#2a9d8f', stripes: '#d9773a' },
  { name: 'Smokey, a sleepy grey cat', background: '#e8f1f8', fur: '#9aa5b1', innerEar: '#e5b8c0', eyes: '#3d4852', sleepy: true },
  { name: 'Midnight, a black cat', background: '#f3e8ff', fur: '#2d2d34', innerEar: '#6b5b73', eyes: '#f2c14e', lines: '#c9c9d1' },
  { name: 'Biscuit, a cream cat', background: '#eef7ee', fur: '#f1dcb5', innerEar: '#f3b7a7', eyes: '#5a8f3d', stripes: '#dcbf8c' },
];

function drawEyes(look: CatLook): string {
  if (look.sleepy) {
    return '<path d="M64 97 Q75 105 86 97 M114 97 Q125 105 136 97" stroke="#3d4852" stroke-width="3" fill="none" stroke-linecap="round"/>';
  }
  return [75, 125]
    .map((x) => `<ellipse cx="${x}" cy="95" rx="10" ry="13" fill="${look.eyes}"/><ellipse cx="${x}" cy="95" rx="3" ry="11" fill="#111"/><circle cx="${x + 3}" cy="90" r="2.5" fill="#fff"/>`)
    .join('');
}

/** One cat as a standalone SVG document. */
export function drawCat(look: CatLook): string {
  const stripes = look.stripes
    ? `<path d="M100 52v16M84 55l4 15M116 55l-4 15" stroke="${look.stripes}" stroke-width="5" stroke-linecap="round"/>`
    : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="400" height="400" role="img" aria-label="${look.name}">`,
    `<title>${look.name}</title>`,
    `<rect width="200" height="200" fill="${look.background}"/>`,
    // body peeking below the head, and a tail
    `<ellipse cx="100" cy="185" rx="58" ry="30" fill="${look.fur}"/>`,
    `<path d="M150 185 Q190 170 178 130" stroke="${look.fur}" stroke-width="12" fill="none" stroke-linecap="round"/>`,
    // ears
    `<polygon points="42,78 58,18 94,56" fill="${look.fur}"/><polygon points="158,78 142,18 106,56" fill="${look.fur}"/>`,
    `<polygon points="54,64 61,34 80,55" fill="${look.innerEar}"/><polygon points="146,64 139,34 120,55" fill="${look.innerEar}"/>`,
    // head
    `<ellipse cx="100" cy="105" rx="66" ry="56" fill="${look.fur}"/>`,
    stripes,
    drawEyes(look),
    // nose, mouth, whiskers
    '<polygon points="93,115 107,115 100,123" fill="#e76f51"/>',
    `<path d="M100 123q0 10-10 10M100 123q0 10 10 10" stroke="${look.lines ?? '#5d4037'}" stroke-width="2" fill="none" stroke-linecap="round"/>`,
    `<path d="M36 110l44 7M36 126l44-3M164 110l-44 7M164 126l-44-3" stroke="${look.lines ?? '#5d4037'}" stroke-width="1.5" stroke-linecap="round"/>`,
    '</svg>',
  ].join('');
}

/** Every cat the API can serve, drawn once. */
export const CATS: readonly { readonly name: string; readonly svg: string }[] = LOOKS.map((look) => ({ name: look.name, svg: drawCat(look) }));

/** The cat for a random number in [0, 1). */
export function pickCat(random: number): { readonly name: string; readonly svg: string } {
  const index = Math.min(CATS.length - 1, Math.max(0, Math.floor(random * CATS.length)));
  return CATS[index];
}
