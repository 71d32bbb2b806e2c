import 'reflect-metadata';
import { main as httpBench } from './http.bench';
import { main as verifyBench } from './verify.bench';

/** `npm run bench`: every benchmark in turn, each printing its machine line and baseline. */
async function main(): Promise<void> {
  for (const bench of [verifyBench, httpBench]) {
    await bench();
    console.log('');
  }
}

void main();
