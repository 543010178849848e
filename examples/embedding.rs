//! Embedding tether: a database shared by several threads, each with its own session, with
//! transactions, prepared statements and typed reads. Run with `cargo run --example embedding`.

use tether::{params, Database, Error};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Error> {
    let db = Database::open_in_memory();
    let mut session = db.connect();
    session
        .execute_batch(
            "CREATE TABLE accounts (id INT PRIMARY KEY, owner TEXT NOT NULL, balance NUMERIC(12,2) NOT NULL CHECK (balance >= 0));
             INSERT INTO accounts VALUES (1, 'ada', 100), (2, 'grace', 50);",
        )
        .await?;

    // Four tasks move money concurrently; snapshot isolation makes a losing writer retry (40001).
    let mut tasks = Vec::new();
    for worker in 0..4 {
        let db = db.clone();
        tasks.push(tokio::spawn(
            async move { transfer_many(&db, worker).await },
        ));
    }
    for task in tasks {
        task.await.map_err(|e| Error::Internal(e.to_string()))??;
    }

    let total = session
        .query("SELECT sum(balance) AS total FROM accounts", &[])
        .await?;
    println!(
        "total balance after transfers: {}",
        total[0].value("total")?
    );
    for row in session
        .query("SELECT id, owner, balance FROM accounts ORDER BY id", &[])
        .await?
    {
        let id: i32 = row.get("id")?;
        let owner: String = row.get("owner")?;
        println!("{id} {owner} {}", row.value("balance")?);
    }
    Ok(())
}

/// Moves 1.00 from account 1 to account 2 ten times, retrying on serialization failures.
async fn transfer_many(db: &Database, worker: usize) -> Result<(), Error> {
    let mut session = db.connect();
    let debit = session.prepare("UPDATE accounts SET balance = balance - $1 WHERE id = $2")?;
    let credit = session.prepare("UPDATE accounts SET balance = balance + $1 WHERE id = $2")?;
    let mut done = 0;
    while done < 10 {
        session.execute("BEGIN", &[]).await?;
        let outcome = async {
            session
                .execute_prepared(&debit, &params!["1.00", 1])
                .await?;
            session
                .execute_prepared(&credit, &params!["1.00", 2])
                .await?;
            session.execute("COMMIT", &[]).await
        }
        .await;
        match outcome {
            Ok(_) => done += 1,
            Err(e) if e.sqlstate() == "40001" => {
                session.execute("ROLLBACK", &[]).await?;
            }
            Err(e) => return Err(e),
        }
    }
    println!("worker {worker} made {done} transfers");
    Ok(())
}
