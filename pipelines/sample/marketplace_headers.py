"""The column headers of the marketplace order exports the messy sample writes, as each marketplace's seller
centre writes them (Shopee before and after its 2024 layout change, Tokopedia, TikTok Shop)."""

from __future__ import annotations

SHOPEE_OLDER = [
    "No. Pesanan",
    "Status Pesanan",
    "Alasan Pembatalan",
    "Status Pembatalan/ Pengembalian",
    "No. Resi",
    "Opsi Pengiriman",
    "Waktu Pesanan Dibuat",
    "Waktu Pembayaran Dilakukan",
    "SKU Induk",
    "Nama Produk",
    "Nama Variasi",
    "Harga Awal",
    "Harga Setelah Diskon",
    "Jumlah",
    "Total Harga Produk",
    "Total Diskon",
    "Ongkos Kirim Dibayar oleh Pembeli",
    "Total Pembayaran",
    "Username (Pembeli)",
    "Kota/Kabupaten",
    "Provinsi",
]
SHOPEE_NEWER = [h for h in SHOPEE_OLDER if h != "Total Harga Produk"]
SHOPEE_NEWER.insert(SHOPEE_NEWER.index("Total Diskon") + 1, "Subtotal Pesanan")
TOKOPEDIA = [
    "Nomor",
    "Nomor Invoice",
    "Tanggal Pembayaran",
    "Status Terakhir",
    "Nama Produk",
    "Nomor SKU",
    "Jumlah Produk Dibeli",
    "Harga Awal (IDR)",
    "Harga Jual (IDR)",
    "Total Penjualan (IDR)",
    "Nama Pembeli",
    "Kota",
]
TIKTOK: dict[str, str] = {  # header -> the description row under it
    "Order ID": "Platform unique order ID.",
    "Order Status": "Current status of the order.",
    "Order Substatus": "Detailed status of the order.",
    "Cancelation/Return Type": "Cancellation or return type.",
    "SKU ID": "Platform unique SKU ID.",
    "Seller SKU": "SKU code set by the seller.",
    "Product Name": "Name of the product.",
    "Variation": "Variation of the SKU.",
    "Quantity": "Quantity of the SKU in the order.",
    "SKU Unit Original Price": "Original price of one unit.",
    "SKU Subtotal Before Discount": "Unit original price x quantity.",
    "SKU Platform Discount": "Discount funded by the platform.",
    "SKU Seller Discount": "Discount funded by the seller.",
    "SKU Subtotal After Discount": "SKU subtotal after all discounts.",
    "Shipping Fee After Discount": "Shipping fee paid by the buyer.",
    "Order Amount": "Total amount paid by the buyer.",
    "Created Time": "Time the order was placed.",
    "Paid Time": "Time the order was paid.",
    "Buyer Username": "Buyer's username.",
    "Province": "Province of the delivery address.",
    "Regency and City": "Regency or city of the delivery address.",
}
