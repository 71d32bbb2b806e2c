import 'reflect-metadata';

/** `npm run bench`: every benchmark in turn, each printing its machine line and baseline. */
async function main(): Promise<void> {
  for (const file of ['./verify.bench', './http.bench']) {
    const bench = (await import(file)) as { main: () => Promise<void> };
    await bench.main();
    console.log('');
  }
}

void main();
