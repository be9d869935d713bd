use circle_testkit::server::assert_serving;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_the_server_and_the_payment_service_serving() {
    let app = TestApp::spawn().await;
    assert_serving(app.addr, "circle.payment.v1.PaymentService").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stops_when_shutdown_is_signalled() {
    let app = TestApp::spawn().await;
    let addr = app.addr;
    app.stop().await.expect("a clean stop");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
