// The icon's source is the SVG; electron-builder wants a 512px PNG, rendered at packaging time.
import sharp from 'sharp';

await sharp('resources/icons/icon.svg').resize(512, 512).png().toFile('resources/icons/icon.png');
console.log('Rendered resources/icons/icon.png');
