/** Commander's argument parser for an option given more than once (`-e A=1 -e B=2`): every value, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
