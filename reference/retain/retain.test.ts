import { MemoryRetainedStore } from './index.js';
import { describeRetainedStoreContract } from './store-contract.js';

describeRetainedStoreContract('memory', { open: () => new MemoryRetainedStore() });
