//! Exchange a token against a running `audex serve` (demo realm): service B trades
//! Alice's token for one addressed to service C.
//!
//! ```sh
//! cargo run -p audex-cli -- serve &        # prints the demo key path
//! TOKEN=$(audex token mint --key /tmp/audex-demo-XXXX/key.pem --sub alice --aud service-b --client-id client-a --scope orders:read)
//! cargo run -p audex-client --example exchange -- http://127.0.0.1:8080 "$TOKEN"
//! ```
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example prints its result"
)]

use audex_client::{ClientAuth, TokenClient};
use audex_exchange::{Secret, TokenExchangeRequest, TokenType};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(issuer), Some(token)) = (args.next(), args.next()) else {
        eprintln!("usage: exchange ISSUER SUBJECT_TOKEN");
        std::process::exit(2);
    };
    let auth = ClientAuth::SecretBasic {
        client_id: "service-b".into(),
        secret: Secret::new("service-b-secret"),
    };
    let result = async {
        let sts = TokenClient::discover(&issuer, auth, &Default::default()).await?;
        sts.exchange(
            &TokenExchangeRequest::new(token, TokenType::AccessToken).audience("service-c"),
        )
        .await
    }
    .await;
    match result {
        Ok(r) => println!("{}", r.to_json()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
