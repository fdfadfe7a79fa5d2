export declare const TRAIN_EXTRA_PATH: string;
