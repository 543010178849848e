//! Tests of the pgoutput decoder: fixed byte layouts and error cases in `fixed`, proptest round
//! trips and robustness properties in `props`.

mod fixed;
mod props;
